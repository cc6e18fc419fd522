using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Pipeline.Api.Infrastructure;

/// <summary>Bound from <c>Limits</c>.</summary>
public sealed class LimitsOptions
{
    /// <summary>The most bytes a request body may have, however it is framed (Content-Length or chunked).</summary>
    [Range(1024, 16 * 1024 * 1024, ErrorMessage = "Limits:MaxBodyBytes must be between 1024 and 16777216.")]
    public int MaxBodyBytes { get; set; } = 256 * 1024;
}

/// <summary>
/// Counts the body's own bytes as they are read: Kestrel's limit also counts chunked framing, so a body just under
/// the cap sent in small chunks was refused. Kestrel keeps a looser limit as the outer guard.
/// </summary>
public static class BodyLimit
{
    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var max = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxBodyBytes;
        if (context.Request.ContentLength > max) throw TooLarge(max);
        // Only a request that has a body (a length, or chunks) reads one: a GET passes untouched.
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            context.Request.Body = new CappedStream(context.Request.Body, max);
        return next(context);
    });

    private static BadHttpRequestException TooLarge(long max) =>
        new($"The request body is larger than {max} bytes.", StatusCodes.Status413PayloadTooLarge);

    private sealed class CappedStream(Stream inner, long max) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read > max ? throw TooLarge(max) : read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Headers every answer carries: no content sniffing; API answers are never stored by caches.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (context.Request.Path.StartsWithSegments("/api")) context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
