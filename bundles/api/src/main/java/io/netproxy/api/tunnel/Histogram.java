package io.netproxy.api.tunnel;

import java.util.Arrays;

/**
 * A snapshot of a distribution of durations in seconds, bucketed by fixed upper bounds, as Prometheus histograms
 * count them. Made by the engine; readers turn it into their own format.
 *
 * @since 1.2
 */
public final class Histogram {
    private static final Histogram EMPTY = new Histogram(new double[0], new long[] {0}, 0);

    private final double[] upperBounds;
    private final long[] counts;
    private final double sum;

    /**
     * @param upperBounds the buckets' inclusive upper bounds, ascending, all finite
     * @param counts      how many observations fell into each bucket (not cumulative), one more than
     *                    {@code upperBounds}: the last counts those above the highest bound
     * @param sum         the sum of every observation
     */
    public Histogram(double[] upperBounds, long[] counts, double sum) {
        if (counts.length != upperBounds.length + 1) {
            throw new IllegalArgumentException("a histogram has one count more than upper bounds, got "
                    + counts.length + " counts for " + upperBounds.length + " bounds");
        }
        for (int i = 0; i < upperBounds.length; i++) {
            if (!Double.isFinite(upperBounds[i]) || i > 0 && upperBounds[i] <= upperBounds[i - 1]) {
                throw new IllegalArgumentException("upper bounds must be finite and ascending: "
                        + Arrays.toString(upperBounds));
            }
        }
        this.upperBounds = upperBounds.clone();
        this.counts = counts.clone();
        this.sum = sum;
    }

    /** No observations and no buckets. */
    public static Histogram empty() { return EMPTY; }

    /** The buckets' inclusive upper bounds, ascending. */
    public double[] upperBounds() { return upperBounds.clone(); }

    /** Observations per bucket, not cumulative; the last one is above the highest bound. */
    public long[] counts() { return counts.clone(); }

    /** The sum of every observation. */
    public double sum() { return sum; }

    /** How many observations in all. */
    public long count() {
        long total = 0;
        for (long c : counts) total += c;
        return total;
    }

    @Override
    public String toString() {
        return "Histogram[count=" + count() + " sum=" + sum + "]";
    }
}
