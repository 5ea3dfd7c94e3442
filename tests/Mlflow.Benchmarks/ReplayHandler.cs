using System.Net;
using System.Net.Http.Headers;

namespace Mlflow.Benchmarks;

/// <summary>In-process server stand-in: drains the request body (so both sides really serialize) and answers the
/// pre-encoded body registered for the path.</summary>
public sealed class ReplayHandler(IReadOnlyDictionary<string, byte[]> bodies) : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null) await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        var content = new ByteArrayContent(bodies[request.RequestUri!.AbsolutePath]);
        content.Headers.ContentType = Json;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
