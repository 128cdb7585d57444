package org.mailprobe.probes.internal;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.mailprobe.probes.Stage;

/**
 * Wraps the policy's TLS socket factory. For implicit TLS it marks the TCP connect's end (Angus
 * Mail hands us the connected plain socket to layer TLS on) and the handshake's end (reported by
 * the JDK on a notification thread, a fraction of a millisecond late). Its clear text is bounded
 * by {@link BoundedReads}.
 */
public final class TimingSslSocketFactory extends LayeringSslSocketFactory {
    private final SSLSocketFactory delegate;
    private final StageTimeline timeline;
    private final boolean implicit;
    private final SocketHolder holder;
    private final BoundedReads reads;

    public TimingSslSocketFactory(SSLSocketFactory delegate, StageTimeline timeline, boolean implicit, SocketHolder holder,
            BoundedReads reads) {
        this.delegate = delegate;
        this.timeline = timeline;
        this.implicit = implicit;
        this.holder = holder;
        this.reads = reads;
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        holder.set(plain);
        if (implicit) {
            timeline.begin(Stage.TLS);
        }
        BoundedReads.Guard guard = reads.layeringTls(plain);
        Socket tls = delegate.createSocket(plain, host, port, autoClose);
        if (tls instanceof SSLSocket) {
            holder.setTls((SSLSocket) tls);
            tls = new BoundedSslSocket((SSLSocket) tls, guard);
        }
        if (implicit && tls instanceof SSLSocket) {
            ((SSLSocket) tls).addHandshakeCompletedListener(event -> timeline.begin(Stage.GREETING));
        }
        return tls;
    }

    @Override
    SSLSocketFactory delegate() {
        return delegate;
    }
}
