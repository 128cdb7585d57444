package org.mailprobe.agent.cli;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.ConfigException;
import org.mailprobe.agent.web.ListenAddress;
import org.mailprobe.agent.web.WebConfig;
import picocli.CommandLine.Option;

/** The HTTP endpoint's flags, shared by {@code run} and {@code demo}. */
final class WebOptions {
    @Option(names = "--web.listen-address", paramLabel = "[HOST]:PORT", defaultValue = ListenAddress.DEFAULT,
            description = "Address for /metrics, /-/healthy and /-/ready (default: ${DEFAULT-VALUE}, every "
                    + "interface, as exporters do: nothing there changes the agent unless --web.enable-lifecycle; "
                    + "give 127.0.0.1:9321 to keep it on this host; port 0 picks a free one).")
    String listenAddress;

    @Option(names = "--web.enable-lifecycle",
            description = "Serve POST /-/reload (as Prometheus's flag of this name). Default: off, 403; SIGHUP "
                    + "reloads either way. Cross-origin browser requests are refused even when on.")
    boolean enableLifecycle;

    @Option(names = "--web.config.file", paramLabel = "FILE",
            description = "TLS and basic authentication for the endpoint, in Prometheus exporter-toolkit format "
                    + "(tls_server_config, basic_auth_users with bcrypt hashes). Default: plain HTTP, no authentication.")
    @Nullable Path webConfigFile;

    WebConfig webConfig() throws ConfigException {
        return (webConfigFile == null ? WebConfig.NONE : WebConfig.load(webConfigFile)).withLifecycle(enableLifecycle);
    }
}
