using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mlflow.TestSupport;

namespace Mlflow.Facade.Tests;

/// <summary>
/// An in-process server: answers each request with the next scripted exchange (recorded ones from the wire corpus,
/// or synthetic ones), after checking that the request is the one recorded (method, path, query pairs, JSON body).
/// </summary>
internal sealed class ReplayHandler : HttpMessageHandler
{
    private readonly Queue<Scripted> script = new();

    public List<(HttpMethod Method, Uri Uri, string? Body)> Requests { get; } = new();

    public List<string> Mismatches { get; } = new();

    public ReplayHandler Expect(WireExchange exchange)
    {
        script.Enqueue(new Scripted(
            exchange.Method,
            exchange.Path,
            exchange.Query.ToList(),
            exchange.Request["body"]?.DeepClone(),
            exchange.Status,
            WireExchange.Header(exchange.Response, "content-type") ?? "application/json",
            WireExchange.RawBytes(exchange.Response)));
        return this;
    }

    public ReplayHandler Expect(string method, string path, IEnumerable<KeyValuePair<string, string>>? query, JsonNode? body, int status, string responseJson)
    {
        script.Enqueue(new Scripted(method, path, query?.ToList() ?? new(), body, status, "application/json", Encoding.UTF8.GetBytes(responseJson)));
        return this;
    }

    public int Remaining => script.Count;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content == null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!, body));
        if (script.Count == 0)
        {
            Mismatches.Add("unexpected request " + request.Method + " " + request.RequestUri);
            return new HttpResponseMessage(HttpStatusCode.NotImplemented);
        }

        var next = script.Dequeue();
        var uri = request.RequestUri!;
        if (!string.Equals(request.Method.Method, next.Method, StringComparison.OrdinalIgnoreCase))
        {
            Mismatches.Add($"method {request.Method} != {next.Method}");
        }

        if (uri.AbsolutePath != next.Path)
        {
            Mismatches.Add($"path {uri.AbsolutePath} != {next.Path}");
        }

        var sent = ParseQuery(uri.Query).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
        var recorded = next.Query.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).ToList();
        if (!sent.SequenceEqual(recorded))
        {
            Mismatches.Add("query [" + string.Join("&", sent) + "] != [" + string.Join("&", recorded) + "]");
        }

        if (next.Body != null)
        {
            var sentBody = string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body);
            if (!JsonSemantics.Equal(sentBody, next.Body))
            {
                Mismatches.Add("body " + sentBody?.ToJsonString() + " != " + next.Body.ToJsonString());
            }
        }

        var response = new HttpResponseMessage((HttpStatusCode)next.Status) { Content = new ByteArrayContent(next.ResponseBody) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", next.ContentType);
        return response;
    }

    private static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            list.Add(new(key, value));
        }

        return list;
    }

    private sealed record Scripted(string Method, string Path, List<KeyValuePair<string, string>> Query, JsonNode? Body, int Status, string ContentType, byte[] ResponseBody);
}

/// <summary>JSON equality by meaning: object member order ignored, numbers compared as numbers.</summary>
internal static class JsonSemantics
{
    /// <summary>Equality where a member holding null counts as absent (Kiota models do not write null members).</summary>
    public static bool EqualNullAsAbsent(JsonNode? a, JsonNode? b) => Equal(DropNulls(a), DropNulls(b));

    private static JsonNode? DropNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var p in o)
                {
                    if (p.Value is not null)
                    {
                        copy[p.Key] = DropNulls(p.Value);
                    }
                }

                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(DropNulls).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    public static bool Equal(JsonNode? a, JsonNode? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        switch (a)
        {
            case JsonObject oa when b is JsonObject ob:
                return oa.Count == ob.Count && oa.All(p => ob.TryGetPropertyValue(p.Key, out var v) && Equal(p.Value, v));
            case JsonArray aa when b is JsonArray ab:
                return aa.Count == ab.Count && aa.Zip(ab).All(p => Equal(p.First, p.Second));
            case JsonValue va when b is JsonValue vb:
                var ka = va.GetValueKind();
                var kb = vb.GetValueKind();
                if (ka == System.Text.Json.JsonValueKind.Number && kb == System.Text.Json.JsonValueKind.Number)
                {
                    return decimal.Parse(va.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)
                        == decimal.Parse(vb.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
                }

                return ka == kb && va.ToJsonString() == vb.ToJsonString();
            default:
                return false;
        }
    }
}

/// <summary>Creates a facade client over a replay handler (no retries, so scripted errors surface at once).</summary>
internal static class Clients
{
    public const string TrackingUri = "http://127.0.0.1:5000";

    public static MlflowClient Over(ReplayHandler handler) =>
        new(new MlflowClientOptions { TrackingUri = TrackingUri, MaxRetries = 0, EnvironmentSource = new EmptyEnvironment() }, loggerFactory: null, timeProvider: null, innerHandler: handler);

    private sealed class EmptyEnvironment : IMlflowEnvironment
    {
        public string? GetVariable(string name) => null;
    }
}
