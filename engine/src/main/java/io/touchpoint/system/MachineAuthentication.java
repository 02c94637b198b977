package io.touchpoint.system;

import jakarta.servlet.Filter;

/**
 * A filter that signs in machine clients before HTTP Basic is asked for: the event sources' API keys. The events
 * feature provides it; the security configuration only places it in the chain.
 */
public interface MachineAuthentication extends Filter {
}
