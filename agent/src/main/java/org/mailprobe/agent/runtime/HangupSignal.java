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
            handle.invoke(null, signal, handler);
            return true;
        } catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException | IllegalArgumentException e) {
            logger.warn("Reload by SIGHUP is not available in this JVM; start with --web.enable-lifecycle and use POST /-/reload. error={}", e.toString());
            return false;
        }
    }
}
