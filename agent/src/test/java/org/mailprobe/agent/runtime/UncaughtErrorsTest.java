package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UncaughtErrorsTest {
    @Test
    void anErrorThatKillsAThreadIsLoggedWithTheThreadAndWhere() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "mailprobe-watch-imap-1");
        t.setUncaughtExceptionHandler(new UncaughtErrors(logged::add));

        t.start();
        t.join(10_000);

        assertEquals(1, logged.size(), logged.toString());
        String line = logged.get(0);
        assertTrue(line.startsWith("A thread died of an uncaught error; what it did has stopped. "
                + "thread=mailprobe-watch-imap-1 error=java.lang.OutOfMemoryError message=\"Java heap space\" at="), line);
        assertTrue(line.contains("UncaughtErrorsTest"), line);
    }

    @Test
    void installMakesItTheDefaultHandler() {
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        try {
            UncaughtErrors.install();

            assertTrue(Thread.getDefaultUncaughtExceptionHandler() instanceof UncaughtErrors);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
