package org.mailprobe.probes.submit;

import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.DeadlineExceededException;
import org.mailprobe.probes.internal.DnsLookup;

/**
 * MX lookups with the JDK's own DNS client ({@code com.sun.jndi.dns}), using the system's
 * resolvers (or given ones), with JNDI's per-query timeout and retries capped by the probe's
 * deadline and the whole lookup bounded by it as well.
 */
public final class JndiMxResolver implements MxResolver {
    private static final int MAX_INITIAL_TIMEOUT_MS = 2000;
    private static final int RETRIES = 2;

    private final String providerUrl;
    /** Only "now" against the probe's deadline: nothing here is dated. */
    private final InstantSource clock;

    /** The system's resolvers. */
    public JndiMxResolver(InstantSource clock) {
        this(List.of(), clock);
    }

    /** These DNS servers ({@code host} or {@code host:port}); none means the system's. */
    public JndiMxResolver(List<String> servers, InstantSource clock) {
        this.clock = clock;
        this.providerUrl = servers.isEmpty() ? "dns:"
                : String.join(" ", servers.stream().map(s -> "dns://" + s).toList());
    }

    @Override
    public List<String> exchanges(String domain, Instant deadline)
            throws UnknownHostException, DeadlineExceededException {
        Instant now = clock.instant();
        long left = Math.max(1, Duration.between(now, deadline).toMillis());
        return DnsLookup.within(() -> lookup(domain, left), domain + " MX", now, deadline);
    }

    private List<String> lookup(String domain, long leftMillis) throws UnknownHostException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", providerUrl);
        // JNDI makes "retries" rounds over the servers, doubling the timeout each round:
        // initial * (2^retries - 1) per server in all. The caller's bound covers the rest.
        long initial = Math.max(100, Math.min(MAX_INITIAL_TIMEOUT_MS, leftMillis / ((1L << RETRIES) - 1)));
        env.put("com.sun.jndi.dns.timeout.initial", Long.toString(initial));
        env.put("com.sun.jndi.dns.timeout.retries", Integer.toString(RETRIES));
        DirContext context = null;
        try {
            context = new InitialDirContext(env);
            Attributes attributes = context.getAttributes(domain, new String[] {"MX"});
            return sorted(domain, attributes.get("MX"));
        } catch (NameNotFoundException e) {
            throw unknown(domain + ": no such domain", e);
        } catch (NamingException e) {
            throw unknown(domain + ": MX lookup failed: " + e.getClass().getSimpleName(), e);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException ignored) {
                    // nothing held open
                }
            }
        }
    }

    /**
     * Preference order, lowest first; equal preferences shuffled so load spreads as RFC 5321
     * section 5.1 asks.
     */
    static List<String> sorted(String domain, Attribute mx) throws NamingException, UnknownHostException {
        List<Exchange> exchanges = new ArrayList<>();
        if (mx != null) {
            NamingEnumeration<?> values = mx.getAll();
            while (values.hasMore()) {
                Exchange e = Exchange.parse(String.valueOf(values.next()));
                if (e != null) {
                    exchanges.add(e);
                }
            }
        }
        if (exchanges.size() == 1 && exchanges.get(0).host().isEmpty()) {
            throw new UnknownHostException(domain + " publishes a null MX (RFC 7505): it accepts no mail");
        }
        Collections.shuffle(exchanges, ThreadLocalRandom.current());
        exchanges.sort(Comparator.comparingInt(Exchange::preference));
        return exchanges.stream().map(Exchange::host).filter(h -> !h.isEmpty()).toList();
    }

    private static UnknownHostException unknown(String message, Exception cause) {
        UnknownHostException e = new UnknownHostException(message);
        e.initCause(cause);
        return e;
    }

    /** One MX record, "10 mx.example.com." as JNDI gives it; the null MX's host is empty. */
    record Exchange(int preference, String host) {
        static @Nullable Exchange parse(String record) {
            String[] parts = record.trim().split("\\s+");
            if (parts.length != 2) {
                return null;
            }
            try {
                String host = parts[1].toLowerCase(Locale.ROOT);
                host = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
                return new Exchange(Integer.parseInt(parts[0]), host);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
