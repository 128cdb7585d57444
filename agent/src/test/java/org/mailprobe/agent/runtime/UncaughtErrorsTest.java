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
        List<Integer> halts = new CopyOnWriteArrayList<>();
        t.setUncaughtExceptionHandler(new UncaughtErrors(logged::add, halts::add));

        t.start();
        t.join(10_000);

        assertEquals(1, logged.size(), logged.toString());
        String line = logged.get(0);
        assertTrue(line.startsWith("A thread died of an uncaught error; what it did has stopped. "
                + "thread=mailprobe-watch-imap-1 error=java.lang.OutOfMemoryError message=\"Java heap space\" at="), line);
        assertTrue(line.contains("UncaughtErrorsTest"), line);
    }

    @Test
    void anOutOfMemoryErrorThatKillsAThreadEndsTheJvmWithTheCodeOfExitOnOutOfMemoryError() throws Exception {
        List<Integer> halts = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            throw new OutOfMemoryError("Java heap space");
        }, "mailprobe-scheduler");
        t.setUncaughtExceptionHandler(new UncaughtErrors(line -> { }, halts::add));

        t.start();
        t.join(10_000);

        assertEquals(List.of(3), halts);
    }

    @Test
    void anExceptionThatKillsAThreadIsLoggedButDoesNotEndTheJvm() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        List<Integer> halts = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            throw new IllegalStateException("a bug");
        }, "mailprobe-sweeper");
        t.setUncaughtExceptionHandler(new UncaughtErrors(logged::add, halts::add));

        t.start();
        t.join(10_000);

        assertTrue(logged.get(0).contains("uncaught exception; what it did has stopped. thread=mailprobe-sweeper"),
                logged.toString());
        assertEquals(List.of(), halts);
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
