package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** No secret value (key, password from file, environment or config) in any message or toString. */
class SecretsNeverLeakTest {
    private static final String CLEAR = "hunter2-plaintext-secret";
    private static final List<String> SECRETS =
            List.of(ConfigFixture.KEY, ConfigFixture.ALICE_PASSWORD, ConfigFixture.BOB_PASSWORD, CLEAR);

    @TempDir
    Path dir;

    private static void assertNoSecretIn(String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), () -> "a secret leaked into: " + text);
        }
        String keyBytes = Arrays.toString(ConfigFixture.KEY.getBytes(StandardCharsets.US_ASCII));
        assertFalse(text.contains(keyBytes.substring(1, keyBytes.length() - 1)), text);
    }

    static List<String> invalidFiles() {
        return InvalidConfigTest.cases().map(a -> "invalid-" + a.get()[0] + ".yml").toList();
    }

    @Test
    void loadedConfigsToStringHoldsNoSecret() throws Exception {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path file = dir.resolve("mailprobe.yml");
        String example = Files.readString(Path.of("..", "deploy", "config", "mailprobe.example.yml"));
        Files.writeString(file, "allow_plaintext_passwords: true\n" + example.replace(
                "    password_env: MAILPROBE_BOB_PASSWORD", "    password: " + CLEAR));

        AgentConfig config = fixture.load(file);

        assertTrue(config.accounts().get("bob").login().password().reveal().equals(CLEAR));
        assertNoSecretIn(config.toString());
        assertNoSecretIn(config.agent().toString());
        for (AccountConfig account : config.accounts().values()) {
            assertNoSecretIn(account.toString());
        }
        for (RouteConfig route : config.routes()) {
            assertNoSecretIn(route.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void noInvalidConfigsMessageHoldsASecret(String name) {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path file = fixture.copyResource(name);

        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(file));

        assertNoSecretIn(e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // a syntax error on the password's own line: the parser's quoted source line must not show
        "    password: \"" + CLEAR + "\n",
        "    password: " + CLEAR + ": x\n",
        // a password under a misspelt key, or of the wrong type
        "    passwrd: " + CLEAR + "\n",
        "    password: [" + CLEAR + "]\n",
        "    password: {" + CLEAR + ": 1}\n",
        "    password_env: " + CLEAR + "\n",
    })
    void misplacedOrMalformedPasswordIsNeverEchoed(String line) throws Exception {
        ConfigFixture fixture = new ConfigFixture(dir);
        Path file = fixture.copyResource("valid-minimal.yml");
        Files.writeString(file, "allow_plaintext_passwords: true\n"
                + Files.readString(file).replace("    password_file: alice.pw\n", line));

        ConfigException e = assertThrows(ConfigException.class, () -> fixture.load(file));

        assertNoSecretIn(e.getMessage());
    }
}
