package org.mailprobe.agent;

import org.slf4j.bridge.SLF4JBridgeHandler;

/** Sends java.util.logging (Angus Mail logs through it) to the same place as everything else. */
final class Logging {
    private static boolean installed;

    private Logging() {}

    static synchronized void routeJavaUtilLogging() {
        if (!installed) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
            installed = true;
        }
    }
}
