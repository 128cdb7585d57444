package org.mailprobe.probes.watch;

import com.icegreen.greenmail.store.MailFolder;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.lang.reflect.Field;
import java.util.Date;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.testing.CommandCountingProxy;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.ProbeMessage;

/**
 * GreenMail's lost IDLE notification, made to happen on purpose. GreenMail's IDLE command
 * (2.1.13, {@code IdleCommand.doProcess}) sends what changed since the last command, then the
 * continuation, and only then attaches the listener that announces new mail during the IDLE; a
 * message stored in between is announced only after the client ends the IDLE. This is what the
 * fault matrix's healthy watcher ran into under load (6 of 150 cells) once the 250 ms recheck was
 * gone: its next probe was stored while the IDLE after the last one was starting.
 *
 * <p>Here the test holds the folder's listener list (the lock GreenMail takes to attach the
 * listener and to notify listeners) from before the IDLE reaches the server until its continuation
 * has come back, and stores the message meanwhile on the same thread (the lock is re-entrant), so
 * the message lands in exactly that gap.
 */
final class UnannouncedArrival {
    private UnannouncedArrival() {}

    /**
     * The next IDLE the proxy passes on stores a probe with {@code token} in the gap; the latch opens
     * once it is stored.
     */
    static CountDownLatch onNextIdle(CommandCountingProxy proxy, TestProvider provider, ProbeToken token) {
        MailFolder inbox = Watching.inbox(provider);
        Object listeners = listeners(inbox);
        AtomicBoolean armed = new AtomicBoolean(true);
        CountDownLatch stored = new CountDownLatch(1);
        proxy.hook(line -> {
            if (!line.endsWith(" IDLE") || !armed.compareAndSet(true, false)) {
                return;
            }
            int before = proxy.serverLines().size();
            CountDownLatch held = new CountDownLatch(1);
            Thread storer = new Thread(() -> {
                synchronized (listeners) {
                    held.countDown();
                    try {
                        awaitContinuation(proxy, before);
                        inbox.appendMessage(probe(token), new Flags(), new Date());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                stored.countDown();
            }, "unannounced-arrival");
            storer.setDaemon(true);
            storer.start();
            held.await(5, TimeUnit.SECONDS);
        });
        return stored;
    }

    private static void awaitContinuation(CommandCountingProxy proxy, int before) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - end < 0) {
            var lines = proxy.serverLines();
            if (lines.subList(before, lines.size()).stream().anyMatch(l -> l.text().startsWith("+"))) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the server never answered the IDLE with a continuation");
    }

    private static MimeMessage probe(ProbeToken token) throws Exception {
        return ProbeMessage.build(Session.getInstance(new Properties()), "agent@example.test", TestProvider.USER,
                token, Watching.SIGNER);
    }

    private static Object listeners(MailFolder folder) {
        try {
            Field f = folder.getClass().getDeclaredField("_mailboxListeners");
            f.setAccessible(true);
            return f.get(folder);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("GreenMail's folder has changed; see UnannouncedArrival", e);
        }
    }
}
