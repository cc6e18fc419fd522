using System.Net;
using System.Net.Sockets;

namespace Pipeline.Api.Rules;

/// <summary>
/// Where a webhook may point: an absolute https URL (http only where allowed) whose host is on the public internet.
/// Loopback, private, link-local (the cloud metadata endpoints among them), shared, multicast and reserved addresses
/// are refused, so that a tenant cannot make the service call into its own network (server-side request forgery).
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2000;

    public static RuleViolation? CheckShape(string url, bool allowInsecure)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
            return Invalid($"'{url}' is not an absolute http(s) URL.");
        if (uri.Scheme == "http" && !allowInsecure)
            return Invalid("Webhook URLs must use https (deliveries carry the tenant's data).");
        if (uri.UserInfo.Length > 0) return Invalid("Webhook URLs must not carry credentials; sign-in is the signature's job.");
        if (uri.Fragment.Length > 0) return Invalid("Webhook URLs must not have a fragment.");
        return null;
    }

    /// <param name="host">The URL's host.</param>
    /// <param name="addresses">What it resolves to now; none when it does not resolve.</param>
    public static RuleViolation? CheckAddresses(string host, IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.Count == 0) return Invalid($"The host '{host}' does not resolve.");
        var blocked = addresses.Where(a => !IsPublic(a)).ToList();
        return blocked.Count > 0
            ? Invalid($"The host '{host}' resolves to {string.Join(", ", blocked)}, a loopback, private, link-local or reserved "
                      + "address: webhooks only call the public internet.")
            : null;
    }

    /// <summary>An address a webhook may connect to.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return !(b[0] is 0 or 10 or 127 or >= 224                  // this network, private, loopback, multicast and reserved
                     || (b[0] == 100 && b[1] is >= 64 and < 128)      // shared address space (carrier NAT; some clouds' metadata)
                     || (b[0] == 169 && b[1] == 254)                  // link-local, 169.254.169.254 metadata included
                     || (b[0] == 172 && b[1] is >= 16 and < 32)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)  // protocol assignments, documentation
                     || (b[0] == 198 && b[1] is 18 or 19)             // benchmarking
                     || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                     || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)) return false;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return false;
        if ((b[0] & 0xFE) == 0xFC) return false;                        // unique local (fd00:ec2::254 metadata included)
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false; // documentation
        // NAT64 and IPv4-compatible forms embed an IPv4 address: judge that one.
        if (b[..12].SequenceEqual(new byte[] { 0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0 }) || b[..12].All(x => x == 0))
            return IsPublic(new IPAddress(b[12..]));
        return true;
    }

    private static RuleViolation Invalid(string message) => new("webhook-url-refused", message, ViolationKind.Unprocessable);
}
