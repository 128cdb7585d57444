package org.mailprobe.agent.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.AgentIdentity;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

/** Agent configs for tests against a {@link TestProvider}, built in code as the demo does. */
public final class TestConfigs {
    public static final byte[] KEY = "test-key-test-key-test-key-0123".getBytes(StandardCharsets.US_ASCII);

    private TestConfigs() {}

    public static AgentConfig loop(TestProvider provider, Account login, ServerEndpoint smtp, Duration interval,
            AccessPath... paths) {
        ServerConfig submit = new ServerConfig("smtp", Protocol.SMTP, smtp, TestProvider.trusted(), TestProvider.FAST);
        AccountConfig account = new AccountConfig("probe", TestProvider.USER, login);
        Map<String, ServerConfig> servers = new LinkedHashMap<>();
        servers.put(submit.name(), submit);
        List<WatchConfig> watches = new ArrayList<>();
        for (AccessPath path : paths) {
            ServerConfig server = path == AccessPath.IMAP
                    ? new ServerConfig("imap", Protocol.IMAP, provider.imap(), TestProvider.trusted(), TestProvider.FAST)
                    : new ServerConfig("pop3", Protocol.POP3, provider.pop3(), TestProvider.trusted(), TestProvider.FAST);
            servers.put(server.name(), server);
            watches.add(new WatchConfig(path, server, account, "INBOX", Duration.ofMillis(300),
                    path == AccessPath.IMAP, true));
        }
        RouteConfig route = new RouteConfig("loop-test", Leg.LOOP, account, submit, account, interval,
                Duration.ZERO, Duration.ofSeconds(20), watches);
        AgentIdentity identity = new AgentIdentity("test-agent", "test-site", new TokenSigner(KEY), "probe.test");
        return new AgentConfig(null, identity, servers, Map.of(account.name(), account), List.of(route));
    }
}
