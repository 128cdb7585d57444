package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.SendEstimateConfig;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.submit.SubmissionResult;

/** Routes and finished probes built in code, the same every run, for tests of what is written about them. */
final class ProbeRecords {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final ServerConfig SMTP = server("smtp", Protocol.SMTP, 587);
    static final ServerConfig IMAP = server("imap", Protocol.IMAP, 993);
    static final ServerConfig POP3 = server("pop3", Protocol.POP3, 995);
    static final AccountConfig P1 = account("p1");
    static final AccountConfig P2 = account("p2");
    static final AccountConfig EXTERNAL = account("external");

    static final RouteConfig LOOP = new RouteConfig("loop-p1", Leg.LOOP, P1, SMTP, P2, Duration.ofMinutes(1),
            Duration.ZERO, Duration.ofHours(1), List.of(watch(AccessPath.IMAP, IMAP, P2), watch(AccessPath.POP3, POP3, P2)));
    static final RouteConfig SEND_EXTERNAL = new RouteConfig("send-ext", Leg.SEND, P1, SMTP, EXTERNAL,
            Duration.ofMinutes(1), Duration.ZERO, Duration.ofHours(1), List.of(watch(AccessPath.IMAP, IMAP, EXTERNAL)),
            P1.address(), EXTERNAL.address(), null, new SendEstimateConfig(List.of(".provider.test")));
    /** As {@link #SEND_EXTERNAL}, also watched by POP3, whose copy here shows no Received headers (as webmail's). */
    static final RouteConfig SEND_EXTERNAL_TWO_PATHS = new RouteConfig("send-ext2", Leg.SEND, P1, SMTP, EXTERNAL,
            Duration.ofMinutes(1), Duration.ZERO, Duration.ofHours(1), List.of(watch(AccessPath.IMAP, IMAP, EXTERNAL),
                    watch(AccessPath.POP3, POP3, EXTERNAL)), P1.address(), EXTERNAL.address(), null,
            new SendEstimateConfig(List.of(".provider.test")));
    static final RouteConfig RECEIVE = new RouteConfig("receive-p2", Leg.RECEIVE, null, null, P2,
            Duration.ofMinutes(1), Duration.ZERO, Duration.ofHours(1), List.of(watch(AccessPath.IMAP, IMAP, P2)),
            "mailprobe@agent.test", P2.address(), new DirectDeliveryConfig(null, true, "agent.test", TlsPolicy.verified(),
                    Timeouts.DEFAULT), null);
    static final RouteConfig SEND_SINK = new RouteConfig("send-sink", Leg.SEND, P1, SMTP, null,
            Duration.ofMinutes(1), Duration.ZERO, Duration.ofHours(1), List.of(), P1.address(), "probe@sink.agent.test",
            null, null);

    static final List<String> RECEIVED = List.of(
            "from mx.provider.test (mx.provider.test [192.0.2.2]) by mbox.external.test with ESMTPS id 1; "
                    + "Wed, 25 Nov 2026 10:00:05 +0000",
            "from submit.provider.test by mx.provider.test with ESMTP id 2; Wed, 25 Nov 2026 10:00:02 +0000",
            "from agent.test (agent.test [192.0.2.9]) by submit.provider.test with ESMTPSA id 3; "
                    + "Wed, 25 Nov 2026 10:00:00 +0000");

    private ProbeRecords() {}

    static ServerConfig server(String name, Protocol protocol, int port) {
        return new ServerConfig(name, protocol, new ServerEndpoint(name + ".provider.test", port, TlsMode.IMPLICIT),
                TlsPolicy.verified(), Timeouts.DEFAULT);
    }

    static AccountConfig account(String name) {
        return new AccountConfig(name, name + "@provider.test", new Account(name + "@provider.test", Secret.of("pw")));
    }

    static WatchConfig watch(AccessPath path, ServerConfig server, AccountConfig account) {
        return new WatchConfig(path, server, account, "INBOX", Duration.ofSeconds(1), path == AccessPath.IMAP, true);
    }

    static MailboxKey key(WatchConfig w) {
        return w.mailboxKey();
    }

    static ProbeToken token(RouteConfig route, long seq) {
        return new ProbeToken("agent-1", route.name(), seq, T0.minusMillis(40));
    }

    static SubmissionResult accepted(ProbeToken token, Instant at) {
        Map<Stage, Duration> stages = new LinkedHashMap<>();
        stages.put(Stage.CONNECT, Duration.ofMillis(3));
        stages.put(Stage.AUTH, Duration.ofMillis(7));
        stages.put(Stage.DATA, Duration.ofMillis(20));
        return new SubmissionResult(token, Reason.NONE, null, at.minusMillis(30), at, stages, "250 2.0.0 Ok: queued",
                "");
    }

    static SubmissionResult refused(ProbeToken token, Instant at) {
        return new SubmissionResult(token, Reason.AUTH, Stage.AUTH, at, null, Map.of(Stage.CONNECT, Duration.ofMillis(3)),
                "535 5.7.8 Authentication failed", "the server refused the login");
    }

    static Arrival arrival(ProbeToken token, MailboxKey key, Instant seen, List<String> received,
            Map<String, String> evidence) {
        return new Arrival(token, key.path(), key.mailbox(), seen, seen.minusMillis(400), received, evidence);
    }

    /** Finished probes of every kind today's journal writes: success, lost, failed, estimate, receive, sink. */
    static List<Finished> all() {
        MailboxKey imap = key(LOOP.watches().get(0));
        MailboxKey pop3 = key(LOOP.watches().get(1));
        MailboxKey extImap = key(SEND_EXTERNAL.watches().get(0));
        MailboxKey recvImap = key(RECEIVE.watches().get(0));
        MailboxKey sink = new MailboxKey(AccessPath.SINK, "sink:agent.test");

        ProbeToken t1 = token(LOOP, 1);
        Map<MailboxKey, Arrival> both = new LinkedHashMap<>();
        both.put(imap, arrival(t1, imap, T0.plusMillis(1234), RECEIVED, ordered("uid", "17", "uidvalidity", "3")));
        both.put(pop3, arrival(t1, pop3, T0.plusMillis(2500), List.of(), Map.of()));
        ProbeToken t2 = token(LOOP, 2);
        Map<MailboxKey, Arrival> lost = new LinkedHashMap<>();
        lost.put(imap, arrival(t2, imap, T0.plusMillis(900), List.of(), Map.of()));
        lost.put(pop3, null);
        ProbeToken t3 = token(LOOP, 3);
        Map<MailboxKey, Arrival> none = new LinkedHashMap<>();
        none.put(imap, null);
        none.put(pop3, null);
        ProbeToken t4 = token(SEND_EXTERNAL, 4);
        Map<MailboxKey, Arrival> ext = new LinkedHashMap<>();
        ext.put(extImap, arrival(t4, extImap, T0.plusMillis(6100), RECEIVED, Map.of()));
        ProbeToken t5 = token(RECEIVE, 5);
        Map<MailboxKey, Arrival> recv = new LinkedHashMap<>();
        recv.put(recvImap, arrival(t5, recvImap, T0.plusMillis(800), List.of(RECEIVED.get(0)), Map.of()));
        ProbeToken t6 = token(SEND_SINK, 6);
        Map<MailboxKey, Arrival> sunk = new LinkedHashMap<>();
        sunk.put(sink, new Arrival(t6, AccessPath.SINK, sink.mailbox(), T0.plusMillis(3000), null, RECEIVED,
                ordered("sink_connected_at", T0.plusMillis(2990).toString(), "sink_peer", "192.0.2.2")));

        return List.of(
                new Finished(new ProbeOutcome(LOOP.name(), "loop", accepted(t1, T0), both, Reason.NONE), false),
                new Finished(new ProbeOutcome(LOOP.name(), "loop", accepted(t2, T0), lost, Reason.LOST), false),
                new Finished(new ProbeOutcome(LOOP.name(), "loop", refused(t3, T0), none, Reason.AUTH), false),
                new Finished(new ProbeOutcome(SEND_EXTERNAL.name(), "send", accepted(t4, T0), ext, Reason.NONE), false),
                new Finished(new ProbeOutcome(RECEIVE.name(), "receive", accepted(t5, T0), recv, Reason.NONE), true),
                new Finished(new ProbeOutcome(SEND_SINK.name(), "send", accepted(t6, T0), sunk, Reason.NONE), false));
    }

    /** Evidence in a fixed order: Map.of iterates in an order that changes from run to run. */
    static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static List<RouteConfig> routes() {
        return List.of(LOOP, SEND_EXTERNAL, RECEIVE, SEND_SINK);
    }

    static RouteConfig route(String name) {
        return routes().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    record Finished(ProbeOutcome outcome, boolean resumed) {}
}
