package org.mailprobe.agent.config;

import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.webmail.FormLoginSettings;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * What a {@code protocol: webmail} server says beyond host and port.
 *
 * @param url the webmail's base URL; its host, port and scheme make the server's endpoint
 * @param driver which driver speaks to it
 * @param form the form driver's settings; null for other drivers
 */
public record WebmailConfig(URI url, WebmailSettings.Driver driver, @Nullable FormLoginSettings form) {
    public WebmailConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(driver, "driver");
        if ((driver == WebmailSettings.Driver.FORM) != (form != null)) {
            throw new IllegalArgumentException("form settings are given exactly for the form driver");
        }
    }
}
