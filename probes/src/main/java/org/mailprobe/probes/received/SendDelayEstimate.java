package org.mailprobe.probes.received;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The send delay (contract clause 4) estimated from the Received headers of a probe that arrived
 * in an external mailbox, for routes where no agent-run sink can be reached (issue 4).
 *
 * <p><b>This is an estimate, not a measurement.</b> A measured send delay is taken on the agent's
 * own clock at the sink. Here both ends are server stamps:
 * <ul>
 *   <li>the start is the provider's first stamp (the hop where its submission server accepted the
 *       probe), not the agent's "250 after DATA". Using the server's stamp at both ends makes the
 *       skew between the agent's and the provider's clocks cancel; that skew is recorded as
 *       {@link #providerSkew()}, as evidence, not subtracted;</li>
 *   <li>the end is the first stamp written by a host that is not the provider's after the
 *       provider's hops: the destination noting it received the probe. That is later than the
 *       moment the provider started delivering (the contract's end point) by the transfer time,
 *       and it is on the destination's clock, so the provider-destination skew does enter. When no
 *       such stamp exists it falls back to the provider's last stamp, which is earlier than the
 *       delivery started (the time of the last internal hop), so a lower bound;</li>
 *   <li>servers stamp to the second, usually truncated, so each stamp is up to a second early and
 *       the difference is good to about one second either way.</li>
 * </ul>
 *
 * <p>Issue 4 words the estimate as "the provider's last hop's stamp minus submission accepted".
 * That subtracts a server stamp from an agent instant, so the agent-provider skew would enter the
 * figure whole; here it is measured between two server stamps instead and the skew is kept beside
 * it. The figure is still at hand: {@code handoffStamp - submissionAccepted}.
 *
 * @param providerFirstStamp the provider's first readable stamp (normally its submission hop)
 * @param handoffStamp the destination's stamp, or the provider's last one (see
 *     {@link #handoffByDestination()})
 * @param estimatedDelay {@code handoffStamp - providerFirstStamp}; negative when the clocks say so
 * @param providerSkew {@code providerFirstStamp - submissionAccepted} (server minus agent clock,
 *     plus the provider's own accept time); null when no accepted instant was given
 * @param firstHop index in {@link ReceivedChain#hops()} of the hop giving the first stamp
 * @param handoffHop index in {@link ReceivedChain#hops()} of the hop giving the handoff stamp
 * @param handoffByDestination whether the handoff stamp was written by a non-provider host (true)
 *     or is the fallback to the provider's last stamp (false)
 * @param note which hops were used, in plain words, for the diagnostic output and the journal
 */
public record SendDelayEstimate(Instant providerFirstStamp, Instant handoffStamp, Duration estimatedDelay,
        @Nullable Duration providerSkew, int firstHop, int handoffHop, boolean handoffByDestination, String note) {

    /**
     * The outcome of an attempt: an estimate, or the reason there is none.
     *
     * @param value the estimate, or null
     * @param reason why there is no estimate, in plain words; null when there is one
     */
    public record Result(@Nullable SendDelayEstimate value, @Nullable String reason) {
        static Result absent(String reason) {
            return new Result(null, reason);
        }

        public Optional<SendDelayEstimate> estimate() {
            return Optional.ofNullable(value);
        }
    }

    /**
     * Estimates the send delay from a probe's Received chain.
     *
     * @param chain the arrived probe's chain, not null
     * @param submissionAccepted when the provider accepted the submission, on the agent's clock
     *     (250 after DATA); null gives no {@link #providerSkew()}
     * @param isProviderHost whether a hop's {@code by} host is the provider's (e.g. a domain suffix
     *     test); it must recognise every name the provider stamps with, internal ones too, or an
     *     internal hop is taken for the destination; it is called only with non-null names
     */
    public static Result from(ReceivedChain chain, Instant submissionAccepted, Predicate<String> isProviderHost) {
        List<ReceivedHop> hops = chain.hops();
        int first = 0;
        while (first < hops.size() && !byProvider(hops.get(first), isProviderHost)) {
            first++;
        }
        if (first == hops.size()) {
            return Result.absent("no Received hop of " + hops.size() + " was written by the provider");
        }
        int end = first;
        while (end < hops.size() && byProvider(hops.get(end), isProviderHost)) {
            end++;
        }
        int stamped = first;
        while (stamped < end && hops.get(stamped).timestamp() == null) {
            stamped++;
        }
        if (stamped == end) {
            return Result.absent("the provider's hops " + (first + 1) + " to " + end + " carry no readable date");
        }
        int handoff = end < hops.size() && hops.get(end).timestamp() != null ? end : lastStamped(hops, first, end);
        if (handoff == stamped) {
            return Result.absent("only one provider stamp (hop " + (stamped + 1)
                    + ") and no readable stamp from the destination: nothing to measure between");
        }
        // Both hops were chosen for having a readable date.
        Instant start = Objects.requireNonNull(hops.get(stamped).timestamp());
        Instant handoffStamp = Objects.requireNonNull(hops.get(handoff).timestamp());
        Duration skew = submissionAccepted == null ? null : Duration.between(submissionAccepted, start);
        boolean byDestination = handoff == end;
        return new Result(new SendDelayEstimate(start, handoffStamp, Duration.between(start, handoffStamp), skew,
                stamped, handoff, byDestination, note(hops, first, stamped, end, handoff, byDestination)), null);
    }

    private static boolean byProvider(ReceivedHop hop, Predicate<String> isProviderHost) {
        return hop.by() != null && isProviderHost.test(hop.by());
    }

    private static int lastStamped(List<ReceivedHop> hops, int first, int end) {
        int i = end - 1;
        while (i > first && hops.get(i).timestamp() == null) {
            i--;
        }
        return i;
    }

    private static String note(List<ReceivedHop> hops, int first, int stamped, int end, int handoff,
            boolean byDestination) {
        StringBuilder note = new StringBuilder("estimate from server stamps, each to the second: start at hop ")
                .append(stamped + 1).append(" of ").append(hops.size()).append(" (by ")
                .append(hops.get(stamped).by()).append(')');
        if (stamped != first) {
            note.append(", the provider's first hop ").append(first + 1).append(" having no readable date");
        }
        if (byDestination) {
            note.append("; end at hop ").append(handoff + 1).append(" (by ").append(hops.get(handoff).by())
                    .append("), the first after the provider's, on the destination's clock");
        } else {
            note.append("; end at the provider's last stamped hop ").append(handoff + 1).append(" (by ")
                    .append(hops.get(handoff).by()).append("), ")
                    .append(end < hops.size() ? "the next hop having no readable date" : "no later hop existing")
                    .append(": a lower bound");
        }
        return note.toString();
    }
}
