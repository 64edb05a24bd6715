/**
 * Starting, stopping and inspecting tunnels: the service the shell, the control socket and any other
 * front end (a REST API, a GUI) drive the engine through.
 */
@Version("1.3.0")
package io.netproxy.api.tunnel;

import org.osgi.annotation.versioning.Version;
