using System.Net.Sockets;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>Whether a Docker engine answers; Testcontainers fails inside Build() without one, so ask first.</summary>
public static class DockerEngine
{
    private static readonly Lazy<string?> Reason = new(Probe);

    /// <summary>Null when an engine answers; otherwise why the SQL Server tests cannot run here.</summary>
    public static string? UnavailableReason => Reason.Value;

    private static string? Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(host) && !host.StartsWith("unix://", StringComparison.Ordinal)) return null;
        var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
        if (!File.Exists(path)) return $"No Docker engine: {path} does not exist (DOCKER_HOST={host ?? "unset"}); SQL Server runs in Testcontainers.";
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            return socket.ConnectAsync(new UnixDomainSocketEndPoint(path)).Wait(TimeSpan.FromSeconds(1))
                ? null
                : $"No Docker engine: {path} did not accept a connection within 1 s.";
        }
        catch (Exception e)
        {
            return $"No Docker engine: {path}: {e.GetBaseException().Message}";
        }
    }
}
