package org.mailprobe.probes.submit;

import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import org.mailprobe.probes.DeadlineExceededException;

/** Finds the mail exchangers of a domain; replaceable so tests need no real DNS. */
@FunctionalInterface
public interface MxResolver {
    /**
     * The domain's MX host names, most preferred first (RFC 5321 section 5.1); empty if the domain
     * has no MX records, in which case mail goes to the domain's own address.
     *
     * @throws UnknownHostException if the domain does not exist, publishes a null MX (RFC 7505),
     *     or DNS fails
     * @throws DeadlineExceededException if no answer came before {@code deadline}
     */
    List<String> exchanges(String domain, Instant deadline) throws UnknownHostException, DeadlineExceededException;
}
