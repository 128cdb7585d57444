package org.mailprobe.probes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP response body read into memory up to a limit: one more byte and the exchange is
 * cancelled and the answer refused, so an endless or huge body costs at most {@code limit} bytes.
 * {@link #abort()} cancels it from another thread, at a deadline. Every body mailprobe reads over
 * HTTP (webmail pages, token endpoints, a remote sink's feed) is read through one.
 */
public final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final LongFunction<? extends IOException> tooLarge;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private volatile Flow.@Nullable Subscription subscription;
    private volatile boolean aborted;

    /** Refuses a longer body with {@link TooLarge}. */
    public BoundedBody(long limit) {
        this(limit, TooLarge::new);
    }

    /** Refuses a longer body with {@code tooLarge.apply(limit)}. */
    public BoundedBody(long limit, LongFunction<? extends IOException> tooLarge) {
        this.limit = limit;
        this.tooLarge = tooLarge;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (aborted) {
            s.cancel();
            return;
        }
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer b : items) {
            if (buffer.size() + (long) b.remaining() > limit) {
                Objects.requireNonNull(subscription).cancel(); // onNext comes after onSubscribe
                result.completeExceptionally(tooLarge.apply(limit));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            buffer.write(chunk, 0, chunk.length);
        }
        if (!result.isDone()) {
            Objects.requireNonNull(subscription).request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    /** The body went past the limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("the answer is larger than " + limit + " bytes");
        }
    }

    /** Cancels the exchange: the connection is closed and the body is never completed. */
    public void abort() {
        aborted = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        result.completeExceptionally(new IOException("aborted at the deadline"));
    }
}
