package org.mailprobe.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads and validates an agent's YAML config (docs/CONFIG.md) into an {@link AgentConfig}. The
 * YAML is read into a tree and walked here, so that every problem names its exact key path and
 * unknown keys are rejected; all problems are collected and reported together. Relative file
 * names resolve against the config file's directory. Warnings (a key file others can read, TLS
 * verification off) are logged and do not stop the load.
 */
// Not checked by NullAway: a reader takes a value as null once it has recorded a problem with it, and
// builds a config record only when no problem was recorded since it began (the problems.count() >
// before check returns first); NullAway cannot follow that count. Its signatures are annotated, so
// every caller is checked. Restructuring the readers so that the checker can see it is a follow-up.
@SuppressWarnings("NullAway")
public final class ConfigLoader {
    private static final Logger logger = LoggerFactory.getLogger(ConfigLoader.class);

    static final String ID_RULE = "is not a valid name: use letters, digits, '_' and '-', starting with a "
            + "letter or digit, at most 64 characters";

    static final List<String> TOP_KEYS = List.of("agent", "allow_plaintext_passwords", "defaults", "servers",
            "accounts", "routes", "reachability", "endpoints", "services", "controls", "maintenance", "journal", "sink");
    static final List<String> JOURNAL_KEYS = List.of("dir", "rotation", "retention", "fsync");
    static final List<String> AGENT_KEYS = List.of("id", "site", "key_file", "hostname");
    static final List<String> DEFAULTS_KEYS =
            List.of("connect_timeout", "read_timeout", "ca_file", "insecure_skip_verify");
    static final List<String> SERVER_KEYS = List.of("protocol", "host", "port", "tls", PlainAuthRule.KEY,
            "connect_timeout", "read_timeout", "ca_file", "insecure_skip_verify",
            "url", "driver", "form", "insecure_plain_http");
    /** Keys of a mail server that a webmail server gives by its URL instead, and the reverse. */
    private static final List<String> MAIL_SERVER_ONLY = List.of("host", "port", "tls");
    private static final List<String> WEBMAIL_ONLY = List.of("url", "driver", "form", "insecure_plain_http");
    static final List<String> ACCOUNT_KEYS =
            List.of("address", "user", "password_file", "password_env", "password", "oauth2");

    private static final List<String> PASSWORD_KEYS = List.of("password_file", "password_env", "password");
    // A host name (letters, digits, '.', '-', '_'), or an address literal as EHLO allows (RFC 5321 4.1.3).
    private static final Pattern HOSTNAME =
            Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252}[A-Za-z0-9])?|\\[[0-9A-Za-z.:]+\\]");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            // A key given twice is almost always a mistake that the last value would silently hide.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final Path file;
    private final @Nullable Path baseDir;
    private final Problems problems;
    private final SecretReader secrets;
    private final Consumer<String> warnings;
    /** Given to the OAuth accounts' token sources, which the config holds. */
    private final InstantSource clock;

    private boolean allowPlaintext = Defaults.ALLOW_PLAINTEXT_PASSWORDS;
    private @Nullable TlsPolicy defaultTls;
    private Timeouts defaultTimeouts = Timeouts.DEFAULT;
    /** Every name under servers: and accounts:, including those with problems (no cascade of "unknown"). */
    private final Set<String> serverNames = new LinkedHashSet<>();
    private final Set<String> accountNames = new LinkedHashSet<>();
    private final Map<String, ServerConfig> servers = new LinkedHashMap<>();
    private final Map<String, AccountConfig> accounts = new LinkedHashMap<>();
    /** Servers that set insecure_plain_auth: true. */
    private final Set<String> plainAuthAllowed = new LinkedHashSet<>();

    private ConfigLoader(Path file, Function<String, String> env, Consumer<String> warnings, InstantSource clock) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.file = file;
        this.baseDir = file.toAbsolutePath().getParent();
        this.problems = new Problems(file.toString());
        this.warnings = warnings;
        this.secrets = new SecretReader(problems, env, warnings);
    }

    /**
     * Loads {@code file}, reading passwords from the process environment where the config says so.
     * {@code clock} is the program's clock, given to the token sources of its OAuth accounts.
     *
     * @throws ConfigException listing every problem found, each naming the file and key path
     */
    public static AgentConfig load(Path file, InstantSource clock) throws ConfigException {
        return load(file, System::getenv, warning -> logger.warn("{}", warning), clock);
    }

    /**
     * As {@link #load(Path, InstantSource)}, with the environment and the warnings' destination given (each
     * warning a sentence like a problem's, e.g. for {@code check-config} to print).
     */
    public static AgentConfig load(Path file, Function<String, String> env, Consumer<String> warnings,
            InstantSource clock) throws ConfigException {
        return new ConfigLoader(file, env, warnings, clock).load();
    }

    private AgentConfig load() throws ConfigException {
        JsonNode root = parse();
        problems.throwIfAny();
        if (root == null || root.isMissingNode() || root.isNull()) {
            problems.addFile("the file is empty");
            problems.throwIfAny();
        }
        if (!root.isObject()) {
            problems.addFile("the top level must be a mapping of keys to values, not " + Mapping.describe(root));
            problems.throwIfAny();
        }
        Mapping top = Mapping.of(problems, "", root, baseDir, TOP_KEYS);

        Identity identity = identity(top);
        Boolean allow = top.bool("allow_plaintext_passwords");
        allowPlaintext = allow != null ? allow : Defaults.ALLOW_PLAINTEXT_PASSWORDS;
        defaults(top.mapping("defaults", DEFAULTS_KEYS));
        servers(top);
        accounts(top);
        String hostname = identity.hostname != null ? identity.hostname : Defaults.hostname();
        SinkConfig sink = new SinkReader(top.mapping("sink", SinkReader.KEYS), hostname, secrets).read();
        // An agent that only checks reachability (clause 2), or only runs a sink, needs no route.
        RouteReader routeReader = new RouteReader(top, serverNames, servers, accountNames, accounts, sink, hostname,
                defaultTls, defaultTimeouts);
        List<RouteConfig> routes = (top.has("endpoints") || top.has("sink")) && !top.has("routes") ? List.of()
                : routeReader.routes();
        List<FilterRouteConfig> filterRoutes = routeReader.filterRoutes();
        PlainAuthRule.check(routes, filterRoutes, plainAuthAllowed, problems, warnings);
        ReachabilityConfig reachability = new ReachabilityReader(this, top, hostname).read();
        JournalConfig journal = journal(top.mapping("journal", JOURNAL_KEYS));

        problems.throwIfAny();
        AgentIdentity agent = new AgentIdentity(identity.id, identity.site, identity.signer, hostname);
        return new AgentConfig(file, agent, servers, accounts, routes, reachability, journal, sink, filterRoutes);
    }

    /**
     * An {@code oauth2:} block given on the command line ({@code probe --oauth2-*}), as a mapping of
     * the same keys, validated by the same rules. Relative files resolve against the working
     * directory; variables are read from the process environment.
     *
     * @param flag how a key is spelled on the command line, e.g. {@code --oauth2-client-id}
     * @throws ConfigException with one line per problem, each naming the flag
     */
    public static @Nullable OAuthConfig oauthFromFlags(JsonNode block, TlsPolicy tls, Timeouts timeouts,
            java.util.function.UnaryOperator<String> flag, Consumer<String> warnings, InstantSource clock)
            throws ConfigException {
        String source = "command line";
        ConfigLoader loader = new ConfigLoader(Path.of(source), System::getenv,
                warning -> warnings.accept(flagged(warning, source, flag)), clock);
        loader.defaultTls = tls;
        loader.defaultTimeouts = timeouts;
        Mapping m = Mapping.of(loader.problems, "", block, loader.baseDir, OAuthReader.KEYS);
        OAuthConfig oauth = m == null ? null
                : new OAuthReader(loader, loader.secrets, loader.warnings, flag).read(m);
        try {
            loader.problems.throwIfAny();
        } catch (ConfigException e) {
            throw new ConfigException(e.problems().stream().map(p -> flagged(p, source, flag)).toList());
        }
        return oauth;
    }

    /** "SOURCE: KEY: what" (or "SOURCE: : what" for the whole block) as "--flag: what". */
    private static String flagged(String line, String source, java.util.function.UnaryOperator<String> flag) {
        String rest = line.substring(source.length() + 2);
        int colon = rest.indexOf(": ");
        String where = rest.substring(0, colon);
        return (where.isEmpty() ? "the OAuth 2.0 sign-in" : flag.apply(where.replaceAll("\\[.*", ""))) + ": "
                + rest.substring(colon + 2);
    }

    private @Nullable JsonNode parse() {
        return parse(file, problems);
    }

    /**
     * Each route's index under {@code routes:} in {@code file}, by name, for messages about a config
     * already loaded from it: {@link AgentConfig#routes()} and {@link AgentConfig#filterRoutes()}
     * are two lists, so a route's place in either is not its place in the file. Empty if the file
     * cannot be read again.
     */
    public static Map<String, Integer> routeIndexes(Path file) {
        Map<String, Integer> indexes = new LinkedHashMap<>();
        JsonNode root = parse(file, new Problems(file.toString()));
        JsonNode routes = root == null ? null : root.get("routes");
        if (routes != null && routes.isArray()) {
            for (int i = 0; i < routes.size(); i++) {
                JsonNode name = routes.get(i).get("name");
                if (name != null && name.isTextual()) {
                    indexes.putIfAbsent(name.asText(), i);
                }
            }
        }
        return indexes;
    }

    /** Reads a YAML file into a tree; null (reported) if it cannot be read or parsed. */
    static @Nullable JsonNode parse(Path file, Problems problems) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problems.addFile("the file does not exist");
            return null;
        } catch (AccessDeniedException e) {
            problems.addFile("cannot read the file: permission denied");
            return null;
        } catch (IOException e) {
            problems.addFile("cannot read the file: " + e.getClass().getSimpleName());
            return null;
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (StreamReadException e) {
            problems.add(position(e.getLocation()), "YAML syntax error: " + syntaxProblem(e));
        } catch (IOException e) {
            problems.addFile("cannot parse the file: " + e.getClass().getSimpleName());
        }
        return null;
    }

    private static String position(JsonLocation location) {
        return location == null ? "somewhere" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The parser's sentence, without the quoted source line (which might hold a password). */
    private static String syntaxProblem(StreamReadException e) {
        if (e.getCause() instanceof MarkedYAMLException) {
            MarkedYAMLException yaml = (MarkedYAMLException) e.getCause();
            String context = yaml.getContext();
            return context == null ? yaml.getProblem() : context + ": " + yaml.getProblem();
        }
        return e.getOriginalMessage();
    }

    /** What {@code agent:} says, before the host name default is resolved. */
    private static final class Identity {
        @Nullable String id;
        @Nullable String site;
        @Nullable TokenSigner signer;
        String hostname;
    }

    private Identity identity(Mapping top) {
        Identity identity = new Identity();
        if (!top.requirePresent("agent")) {
            return identity;
        }
        Mapping agent = top.mapping("agent", AGENT_KEYS);
        if (agent == null) {
            return identity;
        }
        identity.id = agent.id("id", ProbeToken.ID, true);
        identity.site = agent.id("site", ProbeToken.ID, true);
        agent.requirePresent("key_file");
        Path keyFile = agent.file("key_file");
        if (keyFile != null) {
            byte[] key = secrets.key(agent.pathOf("key_file"), keyFile);
            if (key != null) {
                identity.signer = new TokenSigner(key);
                java.util.Arrays.fill(key, (byte) 0);
            }
        }
        String hostname = agent.string("hostname");
        if (hostname != null && !HOSTNAME.matcher(hostname).matches()) {
            problems.add(agent.pathOf("hostname"), "'" + hostname
                    + "' is not a host name (letters, digits, '.', '-', '_') nor an address literal like [192.0.2.1]");
            hostname = null;
        }
        identity.hostname = hostname;
        return identity;
    }

    /** True for a host name (letters, digits, '.', '-', '_') or an address literal like [192.0.2.1]. */
    static boolean isHostname(String text) {
        return HOSTNAME.matcher(text).matches();
    }

    Problems problems() {
        return problems;
    }

    /** {@code journal:}; null if absent (or wrong: then a problem is reported). */
    private @Nullable JournalConfig journal(Mapping j) {
        if (j == null) {
            return null;
        }
        int before = problems.count();
        j.requirePresent("dir");
        Path dir = j.file("dir");
        JournalConfig.Rotation rotation = Defaults.JOURNAL_ROTATION;
        String rotationText = j.string("rotation");
        if (rotationText != null) {
            try {
                rotation = JournalConfig.Rotation.valueOf(rotationText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(j.pathOf("rotation"), "'" + rotationText + "' is not a rotation; use daily or hourly");
            }
        }
        Duration retention = j.duration("retention");
        if (retention != null && retention.compareTo(Defaults.MIN_JOURNAL_RETENTION) < 0) {
            problems.add(j.pathOf("retention"), Durations.format(retention) + " is too short: the least is "
                    + Durations.format(Defaults.MIN_JOURNAL_RETENTION) + " (one contract month of 30 days plus the "
                    + "report's 10 days of grace), or a month's evidence is gone before its report can be disputed");
        }
        Duration fsync = Defaults.JOURNAL_FSYNC_INTERVAL;
        JsonNode fsyncNode = j.raw("fsync");
        if (fsyncNode != null && fsyncNode.isTextual() && fsyncNode.asText().equals("always")) {
            fsync = Duration.ZERO;
        } else if (fsyncNode != null) {
            Duration d = j.duration("fsync");
            if (d != null && (d.isZero() || d.compareTo(Duration.ofSeconds(10)) > 0)) {
                problems.add(j.pathOf("fsync"), "must be 'always' or a duration from 1ms to 10s");
            } else if (d != null) {
                fsync = d;
            }
        }
        if (problems.count() > before) {
            return null;
        }
        return new JournalConfig(dir, rotation, retention != null ? retention : Defaults.JOURNAL_RETENTION, fsync);
    }

    @Nullable TlsPolicy defaultTls() {
        return defaultTls;
    }

    Timeouts defaultTimeouts() {
        return defaultTimeouts;
    }

    @Nullable Path baseDir() {
        return baseDir;
    }

    /** Accounts by name, and every name under accounts: (with problems or not). */
    Map<String, AccountConfig> accounts() {
        return accounts;
    }

    Set<String> accountNames() {
        return accountNames;
    }

    private void defaults(Mapping defaults) {
        if (defaults == null) {
            defaultTls = TlsPolicy.verified();
            return;
        }
        defaultTimeouts = timeouts(defaults, Timeouts.DEFAULT);
        TlsPolicy tls = tlsPolicy(defaults, null);
        defaultTls = tls != null ? tls : TlsPolicy.verified();
    }

    Timeouts timeouts(Mapping m, Timeouts inherited) {
        Duration connect = m.positiveDuration("connect_timeout");
        Duration read = m.positiveDuration("read_timeout");
        return new Timeouts(connect != null ? connect : inherited.connect(), read != null ? read : inherited.read());
    }

    /**
     * The TLS policy set in {@code m}, or {@code inherited} if it sets neither key. A server's
     * {@code ca_file} or {@code insecure_skip_verify: true} replaces the inherited policy; its
     * {@code insecure_skip_verify: false} turns an inherited insecure policy back to verified.
     */
    @Nullable TlsPolicy tlsPolicy(Mapping m, TlsPolicy inherited) {
        Path ca = m.file("ca_file");
        Boolean insecure = m.bool("insecure_skip_verify");
        if (Boolean.TRUE.equals(insecure) && ca != null) {
            problems.add(m.pathOf("insecure_skip_verify"),
                    "cannot be true together with ca_file; with verification off a CA is never consulted");
            return null;
        }
        if (Boolean.TRUE.equals(insecure)) {
            warnings.accept(problems.format(m.pathOf("insecure_skip_verify"),
                    "TLS verification is OFF: any certificate is accepted, so a machine in the middle goes unnoticed"));
            return TlsPolicy.insecure();
        }
        if (ca != null) {
            return trusting(m.pathOf("ca_file"), ca);
        }
        if (inherited == null || (insecure != null && inherited.isInsecure())) {
            return TlsPolicy.verified();
        }
        return inherited;
    }

    private @Nullable TlsPolicy trusting(String where, Path ca) {
        if (!Files.isRegularFile(ca)) {
            problems.add(where, "file " + ca + " does not exist");
            return null;
        }
        try {
            return TlsPolicy.trusting(ca);
        } catch (IllegalArgumentException e) {
            String reason = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getCause().getMessage() : e.getMessage();
            problems.add(where, "cannot use " + ca + " as a CA file: " + reason);
            return null;
        }
    }

    private void servers(Mapping top) {
        Mapping all = top.mapping("servers", null);
        if (all == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> entry : all.entries()) {
            String name = entry.getKey();
            serverNames.add(name);
            ServerConfig server = server(name, Mapping.of(problems, all.pathOf(name), entry.getValue(), baseDir,
                    SERVER_KEYS));
            if (server != null) {
                servers.put(name, server);
            }
        }
    }

    private @Nullable ServerConfig server(String name, Mapping s) {
        int before = problems.count();
        if (s == null) {
            return null;
        }
        checkName(s.path(), name);
        Protocol protocol = null;
        String protocolText = s.requiredString("protocol");
        if (protocolText != null) {
            protocol = protocol(s.pathOf("protocol"), protocolText);
        }
        if (protocol == Protocol.WEBMAIL) {
            return webmailServer(name, s, before);
        }
        if (protocol != null) {
            for (String key : WEBMAIL_ONLY) {
                if (s.has(key)) {
                    problems.add(s.pathOf(key), "applies to protocol webmail only, not " + protocol.label());
                }
            }
        }
        String host = s.requiredString("host");
        if (host != null && !validHost(s.pathOf("host"), host)) {
            host = null;
        }
        Integer port = s.port("port");
        TlsMode tls = null;
        String tlsText = s.string("tls");
        if (tlsText != null) {
            try {
                tls = TlsMode.parse(tlsText);
            } catch (IllegalArgumentException e) {
                problems.add(s.pathOf("tls"), e.getMessage());
            }
        }
        if (Boolean.TRUE.equals(s.bool(PlainAuthRule.KEY))) {
            plainAuthAllowed.add(name);
        }
        Timeouts timeouts = timeouts(s, defaultTimeouts);
        TlsPolicy policy = tlsPolicy(s, defaultTls);
        if (problems.count() > before) {
            return null;
        }
        TlsMode mode = tls != null ? tls : Defaults.tls(port);
        int resolvedPort = port != null ? port : Defaults.port(protocol, mode);
        return new ServerConfig(name, protocol, new ServerEndpoint(host, resolvedPort, mode), policy, timeouts);
    }

    /** A webmail server: its endpoint comes from its URL (https is implicit TLS). */
    private @Nullable ServerConfig webmailServer(String name, Mapping s, int before) {
        for (String key : MAIL_SERVER_ONLY) {
            if (s.has(key)) {
                problems.add(s.pathOf(key), "a webmail server is given by its url; remove " + key);
            }
        }
        if (s.has(PlainAuthRule.KEY)) {
            problems.add(s.pathOf(PlainAuthRule.KEY), "applies to smtp, imap and pop3 servers; a webmail server's "
                    + "URL says https, or insecure_plain_http for a lab");
        }
        WebmailConfig webmail = new WebmailReader(problems, warnings).read(s);
        Timeouts timeouts = timeouts(s, defaultTimeouts);
        TlsPolicy policy = tlsPolicy(s, defaultTls);
        if (problems.count() > before || webmail == null) {
            return null;
        }
        return new ServerConfig(name, Protocol.WEBMAIL, org.mailprobe.probes.webmail.WebmailSettings.endpointOf(webmail.url()),
                policy, timeouts, webmail);
    }

    private @Nullable Protocol protocol(String where, String text) {
        for (Protocol p : Protocol.values()) {
            if (p.label().equals(text.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        problems.add(where, "'" + text + "' is not a protocol; use smtp, imap, pop3 or webmail");
        return null;
    }

    boolean validHost(String where, String host) {
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            problems.add(where, "'" + host + "' is not a host name or address");
            return false;
        }
        if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            problems.add(where, "'" + host + "' holds a port; give the host alone, and the port under port");
            return false;
        }
        return true;
    }

    private void accounts(Mapping top) {
        Mapping all = top.mapping("accounts", null);
        if (all == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> entry : all.entries()) {
            String name = entry.getKey();
            accountNames.add(name);
            AccountConfig account = account(name, Mapping.of(problems, all.pathOf(name), entry.getValue(), baseDir,
                    ACCOUNT_KEYS));
            if (account != null) {
                accounts.put(name, account);
            }
        }
    }

    private @Nullable AccountConfig account(String name, Mapping a) {
        int before = problems.count();
        if (a == null) {
            return null;
        }
        checkName(a.path(), name);
        String address = a.requiredString("address");
        if (address != null) {
            address = address(a.pathOf("address"), address);
        }
        String user = a.string("user");
        if (a.has("oauth2")) {
            return oauthAccount(name, a, address, user, before);
        }
        Secret password = password(a);
        if (problems.count() > before) {
            return null;
        }
        return new AccountConfig(name, address, new Account(user != null ? user : address, password));
    }

    /** An account that signs in with OAuth 2.0 (issue 16): its tokens are opened at first use. */
    private @Nullable AccountConfig oauthAccount(String name, Mapping a, String address, String user, int before) {
        for (String key : PASSWORD_KEYS) {
            if (a.has(key)) {
                problems.add(a.pathOf(key), "an account signs in with a password or with oauth2, not both; remove "
                        + key + " or oauth2");
            }
        }
        Mapping o = a.mapping("oauth2", OAuthReader.KEYS);
        OAuthConfig oauth = o == null ? null : new OAuthReader(this, secrets, warnings).read(o);
        if (problems.count() > before || oauth == null) {
            return null;
        }
        AccountTokens tokens = new AccountTokens(name, oauth, clock);
        return new AccountConfig(name, address,
                Account.oauth(user != null ? user : address, new OAuthLogin(tokens, oauth.mechanism())));
    }

    private @Nullable String address(String where, String text) {
        try {
            InternetAddress parsed = new InternetAddress(text, true);
            if (parsed.getPersonal() != null || !parsed.getAddress().equals(text)) {
                problems.add(where, "'" + text + "' must be a bare address such as " + parsed.getAddress()
                        + ", without a name or brackets");
                return null;
            }
            return text;
        } catch (AddressException e) {
            problems.add(where, "'" + text + "' is not a valid mail address: " + e.getMessage());
            return null;
        }
    }

    private @Nullable Secret password(Mapping a) {
        List<String> given = new ArrayList<>();
        for (String key : PASSWORD_KEYS) {
            if (a.has(key)) {
                given.add(key);
            }
        }
        if (given.isEmpty()) {
            problems.add(a.path(), allowPlaintext
                    ? "needs a password: set one of password_file, password_env or password"
                    : "needs a password: set password_file or password_env");
            return null;
        }
        if (given.size() > 1) {
            String both = given.size() == 2
                    ? given.get(0) + " and " + given.get(1) + " are both set"
                    : "password_file, password_env and password are all set";
            problems.add(a.path(), both + "; use exactly one of password_file, password_env, password");
            return null;
        }
        switch (given.get(0)) {
            case "password_file":
                Path path = a.file("password_file");
                return path == null ? null : secrets.passwordFile(a.pathOf("password_file"), path);
            case "password_env":
                String variable = a.string("password_env");
                if (variable == null) {
                    return null;
                }
                if (!ENV_NAME.matcher(variable).matches()) {
                    // Not echoed: a value that is no variable name may be the password itself.
                    problems.add(a.pathOf("password_env"), "is not an environment variable name (letters, digits "
                            + "and '_', not starting with a digit); give the variable's name, not its value");
                    return null;
                }
                return secrets.passwordEnv(a.pathOf("password_env"), variable);
            default:
                if (!allowPlaintext) {
                    problems.add(a.pathOf("password"), "a password in clear is refused unless "
                            + "allow_plaintext_passwords is true; use password_file or password_env");
                    return null;
                }
                String clear = a.string("password");
                return clear == null ? null : Secret.of(clear);
        }
    }

    void checkName(String where, String name) {
        if (!ProbeToken.ID.matcher(name).matches()) {
            problems.add(where, "'" + name + "' " + ID_RULE);
        }
    }
}
