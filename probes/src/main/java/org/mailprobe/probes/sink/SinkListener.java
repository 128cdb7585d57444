package org.mailprobe.probes.sink;

/**
 * Told of everything the sink receives or refuses, on the connection's thread, before the sink
 * replies: keep it quick. An exception it throws is logged and does not change the reply.
 */
public interface SinkListener {
    /** A verified probe arrived; the sink answers 250 after this returns. */
    void delivered(SinkDelivery delivery);

    /** Something was refused; {@code peer} is the client's {@code ip:port}. */
    void refused(SinkRefusal reason, String peer);
}
