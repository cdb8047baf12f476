package dev.netnsguard.netlink;

/** The names {@code ip} gives address and route scopes ({@code /etc/iproute2/rt_scopes}). */
final class RouteScopes {
    private RouteScopes() {}

    static String name(int scope) {
        switch (scope) {
            case Rtnl.RT_SCOPE_UNIVERSE:
                return "global";
            case Rtnl.RT_SCOPE_SITE:
                return "site";
            case Rtnl.RT_SCOPE_LINK:
                return "link";
            case Rtnl.RT_SCOPE_HOST:
                return "host";
            case Rtnl.RT_SCOPE_NOWHERE:
                return "nowhere";
            default:
                return Integer.toString(scope);
        }
    }
}
