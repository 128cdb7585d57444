package org.mailprobe.agent.runtime;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the config, the Unix (and Prometheus) way. The JDK offers signals only through
 * {@code sun.misc.Signal} (module jdk.unsupported, present in every OpenJDK build); it is reached
 * by reflection so that the strict build does not fail on its "internal proprietary API" warning,
 * and so that a JVM without it (or Windows, which has no SIGHUP) only logs that reload by signal is
 * unavailable; {@code POST /-/reload} (with {@code --web.enable-lifecycle}) works everywhere.
 */
public final class HangupSignal {
    private static final Logger logger = LoggerFactory.getLogger(HangupSignal.class);

    private HangupSignal() {}

    /** Runs {@code action} on a JVM signal thread at each SIGHUP; false if signals are unavailable. */
    public static boolean install(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
            Object handler = Proxy.newProxyInstance(HangupSignal.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> {
                        if ("handle".equals(method.getName())) {
                            action.run();
                            return null;
                        }
                        if ("toString".equals(method.getName())) {
                            return "mailprobe SIGHUP handler";
                        }
                        if ("hashCode".equals(method.getName())) {
                            return System.identityHashCode(proxy);
                        }
                        if ("equals".equals(method.getName())) {
                            return proxy == args[0];
                        }
                        return null;
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, signal, handler);
            // A process started with SIGHUP ignored (nohup, some supervisors) keeps it ignored: the
            // JVM does not install a handler over that, and says so only by handing SIG_IGN back.
            if (previous != null && previous == handlerClass.getField("SIG_IGN").get(null)) {
                logger.warn("SIGHUP is ignored by this process (started under nohup?), so it does not reload the "
                        + "config; start with --web.enable-lifecycle and use POST /-/reload, or restart.");
                return false;
            }
            return true;
        } catch (ClassNotFoundException | NoSuchMethodException | NoSuchFieldException | InstantiationException
                | IllegalAccessException
                | InvocationTargetException | IllegalArgumentException e) {
            logger.warn("Reload by SIGHUP is not available in this JVM; start with --web.enable-lifecycle and use POST /-/reload. error={}", e.toString());
            return false;
        }
    }
}
