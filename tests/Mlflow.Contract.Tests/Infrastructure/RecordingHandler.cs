using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Mlflow.TestSupport;

namespace Mlflow.Contract.Tests.Infrastructure;

/// <summary>
/// Records every exchange in the wire-corpus shape (<see cref="WireExchange"/>), so that the suite can check each
/// request and response against the spec with <see cref="ContractChecker"/>, whichever server answered.
/// </summary>
public sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly Lazy<ContractChecker> Checker = new(() => new ContractChecker(SpecIndex.Load()));
    private readonly ConcurrentQueue<WireExchange> exchanges = new();

    public RecordingHandler()
        : this(new SocketsHttpHandler())
    {
    }

    public IReadOnlyCollection<WireExchange> Exchanges => exchanges;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] requestBytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        var responseBytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        // Hand the caller a fresh content with the same bytes and headers.
        var copy = new ByteArrayContent(responseBytes);
        foreach (var header in response.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = copy;
        exchanges.Enqueue(ToExchange(request, requestBytes, response, responseBytes));
        return response;
    }

    /// <summary>Checks every recorded exchange against the spec (requests too, unless told not to); returns one line per problem.</summary>
    public List<string> CheckAgainstSpec(bool requests = true)
    {
        var problems = new List<string>();
        foreach (var exchange in exchanges)
        {
            var result = Checker.Value.Check(exchange);
            foreach (var error in result.MatchErrors.Concat(requests ? result.RequestErrors : []).Concat(result.ResponseErrors))
                problems.Add($"{exchange.Method} {exchange.Path} -> {exchange.Status}: {error}");
        }
        return problems;
    }

    private static WireExchange ToExchange(HttpRequestMessage request, byte[] requestBytes, HttpResponseMessage response, byte[] responseBytes)
    {
        var uri = request.RequestUri!;
        var query = new JsonArray();
        var rawQuery = uri.Query.TrimStart('?');
        foreach (var pair in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            query.Add(new JsonArray(key, value));
        }
        var requestType = request.Content?.Headers.ContentType?.ToString();
        var responseType = response.Content.Headers.ContentType?.ToString();
        var requestObject = new JsonObject
        {
            ["method"] = request.Method.Method,
            ["path"] = uri.AbsolutePath,
            ["query"] = query,
            ["raw_query"] = rawQuery,
            ["headers"] = new JsonObject { ["content-type"] = requestType },
            ["body"] = IsJson(requestType) ? LenientJson.Parse(Encoding.UTF8.GetString(requestBytes)) : null,
            ["raw_body"] = requestBytes.Length == 0 ? null : Convert.ToBase64String(requestBytes),
            ["raw_body_encoding"] = "base64",
        };
        var responseObject = new JsonObject
        {
            ["status"] = (int)response.StatusCode,
            ["headers"] = new JsonObject { ["content-type"] = responseType },
            ["body"] = IsJson(responseType) && responseBytes.Length > 0 ? LenientJson.Parse(Encoding.UTF8.GetString(responseBytes)) : null,
            ["raw_body"] = Convert.ToBase64String(responseBytes),
            ["raw_body_encoding"] = "base64",
        };
        return new WireExchange("live", "live", "", "", "live", "", "", requestObject, responseObject);
    }

    private static bool IsJson(string? contentType) => contentType?.Split(';')[0].Trim().EndsWith("json", StringComparison.OrdinalIgnoreCase) == true;
}
