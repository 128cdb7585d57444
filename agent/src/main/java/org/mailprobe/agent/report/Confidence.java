package org.mailprobe.agent.report;

import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * Exact (Clopper-Pearson) confidence bounds of a rate measured over samples, and how many samples
 * a month needs before its rate can say anything at the contract's level (issue 14, clause 6).
 *
 * <p>Clopper-Pearson rather than Wilson: clause 6's targets sit at 96% to 99.9%, where a month
 * typically has no miss or one, and there Wilson's interval (and the normal one still more) claims
 * more than the samples show: it covers less often than it says. The exact bounds never do, and
 * with no miss the lower bound is simply {@code 0.05^(1/n)}, the figure behind "samples needed".
 *
 * <p>Each bound is one-sided at 95%: the contract asks "at least 99.9%?", so the lower bound
 * answers "met" (the rate is at least this, with 95% confidence) and the upper bound answers "not
 * met" (it is at most this). Read together they are a 90% two-sided interval.
 */
final class Confidence {
    /** The chance, per bound, that the truth lies beyond it. */
    static final double ALPHA = 0.05;
    /** Where a month with misses would need more than this many samples, the report says so instead. */
    static final long MAX_SAMPLES_SEARCHED = 100_000_000L;

    private Confidence() {}

    /** The rate is at least this (95%); 0 with no success or no sample. */
    static double lower(long successes, long samples) {
        if (successes <= 0 || samples <= 0) {
            return 0;
        }
        return BetaDistribution.of(successes, samples - successes + 1.0).inverseCumulativeProbability(ALPHA);
    }

    /** The rate is at most this (95%); 1 when every sample succeeded or there is none. */
    static double upper(long successes, long samples) {
        if (successes >= samples) {
            return 1;
        }
        return BetaDistribution.of(successes + 1.0, (double) (samples - successes))
                .inverseCumulativeProbability(1 - ALPHA);
    }

    /**
     * Samples with no miss that a month needs for the lower bound to reach {@code target}: the
     * least n with {@code 0.05^(1/n) >= target}, i.e. n >= ln 0.05 / ln target (2,995 for 99.9%).
     */
    static long samplesNeeded(double target) {
        long n = (long) Math.ceil(Math.log(ALPHA) / Math.log(target));
        // Guard the float rounding at the boundary with the exact bound itself.
        while (n > 1 && lower(n - 1, n - 1) >= target) {
            n--;
        }
        while (lower(n, n) < target) {
            n++;
        }
        return n;
    }

    /**
     * Samples in all (the misses already seen, the rest with none) for the lower bound to reach
     * {@code target}; -1 if more than {@link #MAX_SAMPLES_SEARCHED}.
     */
    static long samplesNeeded(double target, long misses) {
        if (misses <= 0) {
            return samplesNeeded(target);
        }
        long lo = misses;
        long hi = Math.max(misses + 1, samplesNeeded(target));
        while (lower(hi - misses, hi) < target) {
            if (hi >= MAX_SAMPLES_SEARCHED) {
                return -1;
            }
            lo = hi;
            hi = Math.min(MAX_SAMPLES_SEARCHED, hi * 2);
        }
        // The lower bound grows with n at fixed misses: the least n is in (lo, hi].
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (lower(mid - misses, mid) >= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }
}
