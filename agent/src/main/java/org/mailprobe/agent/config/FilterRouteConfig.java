package org.mailprobe.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.filter.FilterSample;
import org.mailprobe.probes.filter.TagRule;

/**
 * One {@code kind: filter} route (contract clause 6, issue 14): every {@code interval}, a batch of
 * samples (EICAR in its wrappers, GTUBE, clean controls, the customer's corpus) delivered as a
 * source MTA to the provider's MX and, with {@code submitVia}, also submitted through the
 * provider; then the watched folders are searched until every sample is seen or its timeout
 * passes. Samples are only ever addressed to {@code to}, whose mailbox the watch reads.
 *
 * @param name unique among all routes, in every sample's token and a metric label
 * @param interval time between batches
 * @param timeout a sample not seen by then is {@code withheld}
 * @param sender the envelope and header sender of inbound samples ({@code from_address})
 * @param to the account whose mailbox receives every sample; the watch reads this mailbox
 * @param direct how inbound samples reach the provider's MX ({@code deliver_via}, {@code starttls},
 *     {@code helo}, read as a receive route's)
 * @param submitVia with {@code from}: outbound samples are also submitted here; null for inbound only
 * @param from the account that submits outbound samples; null exactly when {@code submitVia} is
 * @param watch where the samples are looked for
 * @param variants the built-in samples sent, in order (SampleCorpus's names)
 * @param corpus the customer's own samples ({@code virus/}, {@code spam/}, {@code clean/} of .eml
 *     files); null if none
 * @param samples every sample of a batch: the built-ins named, then the corpus's, read at load
 * @param spamTags headers that say a delivered message was taken for spam
 * @param virusTags headers that say a delivered message was taken for a virus
 */
public record FilterRouteConfig(String name, Duration interval, Duration timeout, String sender, AccountConfig to,
        DirectDeliveryConfig direct, @Nullable ServerConfig submitVia, @Nullable AccountConfig from,
        FilterWatchConfig watch, List<String> variants, @Nullable Path corpus, List<FilterSample> samples,
        List<TagRule> spamTags, List<TagRule> virusTags) {
    public FilterRouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(direct, "direct");
        Objects.requireNonNull(watch, "watch");
        variants = List.copyOf(variants);
        samples = List.copyOf(samples);
        spamTags = List.copyOf(spamTags);
        virusTags = List.copyOf(virusTags);
        if (!ProbeToken.ID.matcher(name).matches()) {
            throw new IllegalArgumentException("route name '" + name + "' must match " + ProbeToken.ID.pattern());
        }
        if ((submitVia == null) != (from == null)) {
            throw new IllegalArgumentException("submitVia and from go together");
        }
        if (submitVia != null && submitVia.protocol() != Protocol.SMTP) {
            throw new IllegalArgumentException("submitVia " + submitVia.name() + " is not an SMTP server");
        }
        if (!watch.account().name().equals(to.name())) {
            // The samples are addressed to `to` only; a watch of another mailbox would never see them.
            throw new IllegalArgumentException("the watch reads account " + watch.account().name()
                    + ", but samples go to " + to.name());
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a filter route needs at least one sample");
        }
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
    }

    /** True if samples are also submitted through the provider (its outbound filters). */
    public boolean outbound() {
        return submitVia != null;
    }
}
