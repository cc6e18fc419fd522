using Microsoft.AspNetCore.Http.HttpResults;

namespace Pipeline.Api.Infrastructure;

/// <summary>A resource with a concurrency version, served as its ETag.</summary>
public interface IVersioned
{
    long Version { get; }
}

public static class Responses
{
    public static Ok<T> Versioned<T>(this HttpResponse response, T resource) where T : IVersioned
    {
        response.Headers.ETag = ETags.For(resource.Version);
        return TypedResults.Ok(resource);
    }

    public static Created<T> Created<T>(this HttpResponse response, string location, T resource) where T : IVersioned
    {
        response.Headers.ETag = ETags.For(resource.Version);
        return TypedResults.Created(location, resource);
    }
}
