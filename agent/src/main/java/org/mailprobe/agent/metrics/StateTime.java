package org.mailprobe.agent.metrics;

/** Time accounted per clause-2 state for one endpoint or service, read by the metrics. */
public interface StateTime {
    /** The states, as label values, in the order they are exported. */
    String[] STATES = {"up", "down", "excluded", "unknown"};

    /** Seconds accounted in {@code state} since the agent started. */
    double seconds(String state);

    /** The state now, as a label value. */
    String current();
}
