using System.Text;
using System.Text.Json;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Serialization.Json;
using Mlflow.Client;

namespace Mlflow.Wire.Tests;

/// <summary>The outcome of one check: passed, failed (with the reason) or not applicable (with the reason).</summary>
public sealed record Outcome(string Status, string Detail)
{
    public static Outcome Pass(string detail = "") => new("pass", detail);

    public static Outcome Fail(string detail) => new("fail", detail);

    public static Outcome NotApplicable(string detail) => new("n/a", detail);

    public bool Failed => Status == "fail";

    public override string ToString() => Status + (Detail.Length > 0 ? ": " + Detail : "");
}

/// <summary>Replays recorded exchanges through the generated client (request builders, catalog, models).</summary>
public static class WireConformance
{
    public const string BaseUrl = "http://mlflow.test";

    private static readonly Lazy<IRequestAdapter> LazyAdapter = new(() =>
    {
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider()) { BaseUrl = BaseUrl };
        _ = new MlflowApiClient(adapter); // registers the JSON / text / form / multipart serializers, as Kiota's root client does
        return adapter;
    });

    public static IRequestAdapter Adapter => LazyAdapter.Value;

    /// <summary>Runs a check; an exception is a failure carrying its message.</summary>
    public static Outcome Safely(Func<Exchange, Outcome> check, Exchange exchange)
    {
        try
        {
            return check(exchange);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Outcome.Fail(ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>The spec operation a recorded exchange belongs to: same method and same path template (parameter names aside).</summary>
    public static MlflowOperation? OperationOf(Exchange exchange)
    {
        var shape = Shape(exchange.PathTemplate);
        var candidates = MlflowOperations.All.Where(o => o.HttpMethod == exchange.Method && Shape(o.PathTemplate) == shape).ToList();
        return candidates.Count == 1 ? candidates[0] : null;
    }

    private static string Shape(string template) => System.Text.RegularExpressions.Regex.Replace(template, "\\{[^}]*\\}", "{}");

    /// <summary>Builds the request through the generated builder from the recorded values and compares it with what was sent.</summary>
    public static Outcome CheckRequest(Exchange exchange)
    {
        var op = OperationOf(exchange);
        if (op == null)
        {
            return Outcome.NotApplicable("no spec operation for " + exchange.Method + " " + exchange.PathTemplate);
        }

        var request = exchange.Request;
        var rawPath = request.GetProperty("path").GetString()!;
        var pathValues = PathValues(op, rawPath);
        if (pathValues == null)
        {
            return Outcome.Fail("recorded path " + rawPath + " does not fit " + op.PathTemplate);
        }

        var query = request.GetProperty("query").EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString()!, p[1].GetString()!)).ToList();
        var unknownQuery = query.Select(q => q.Key).Distinct().Where(k => !op.QueryParameters.Contains(k)).ToList();
        if (unknownQuery.Count > 0)
        {
            return Outcome.Fail("query keys not in the spec: " + string.Join(", ", unknownQuery));
        }

        object? body = null;
        string? bodyNote = null;
        var recordedBody = request.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null ? b : (JsonElement?)null;
        var rawBody = request.TryGetProperty("raw_body", out var rb) && rb.ValueKind == JsonValueKind.String ? rb.GetString() : null;
        if (op.RequestBodyType == typeof(Stream))
        {
            var bytes = RawBytes(request) ?? Array.Empty<byte>();
            body = new MemoryStream(bytes);
        }
        else if (op.RequestBodyType != null)
        {
            if (recordedBody is JsonElement json)
            {
                body = op.RequestBodyFactory != null ? Parse(op.RequestBodyFactory, json) : ParseUntyped(json);
            }
            else if (string.IsNullOrEmpty(rawBody))
            {
                // Nothing was sent; the typed builder always sends a body: send an empty message ({}), which MLflow
                // reads as "no fields set". The comparison below accepts {} for an empty recorded body.
                var empty = JsonDocument.Parse("{}").RootElement;
                body = op.RequestBodyFactory != null ? Parse(op.RequestBodyFactory, empty) : ParseUntyped(empty);
                bodyNote = "empty body sent as {}";
            }
            else
            {
                // Bare NaN tokens, protobuf bytes, malformed JSON, JSON sent as text/plain: deliberate bad requests
                // that a typed client cannot produce (it writes NaN/Infinity as strings, always valid JSON).
                return Outcome.NotApplicable("request body is not JSON a typed client produces: " + Clip(rawBody));
            }
        }
        else if (recordedBody is JsonElement || !string.IsNullOrEmpty(rawBody))
        {
            return Outcome.Fail("a body was sent but the spec operation has none");
        }

        RequestInformation built;
        try
        {
            built = op.BuildRequest(Adapter, pathValues, query, body);
        }
        catch (FormatException ex)
        {
            return Outcome.NotApplicable("recorded value does not fit the typed parameter (deliberately malformed request): " + ex.Message);
        }

        if (built.HttpMethod.ToString() != exchange.Method)
        {
            return Outcome.Fail("method " + built.HttpMethod + ", recorded " + exchange.Method);
        }

        var uri = built.URI;
        var ourPath = Uri.UnescapeDataString(uri.AbsolutePath);
        var theirPath = Uri.UnescapeDataString(rawPath);
        if (ourPath != theirPath)
        {
            return Outcome.Fail("path " + ourPath + ", recorded " + theirPath);
        }

        var ourQuery = ParseQuery(uri.Query).Select(p => p.Key + "=" + p.Value).Order(StringComparer.Ordinal).ToList();
        var theirQuery = query.Select(p => p.Key + "=" + p.Value).Order(StringComparer.Ordinal).ToList();
        if (!ourQuery.SequenceEqual(theirQuery))
        {
            return Outcome.Fail("query [" + string.Join("&", ourQuery) + "], recorded [" + string.Join("&", theirQuery) + "]");
        }

        if (op.RequestBodyType == typeof(Stream))
        {
            var sent = ReadAll(built.Content);
            var recorded = RawBytes(request) ?? Array.Empty<byte>();
            return sent.SequenceEqual(recorded) ? Outcome.Pass("raw bytes " + sent.Length) : Outcome.Fail("uploaded bytes differ");
        }

        if (op.RequestBodyType != null)
        {
            var sentText = Encoding.UTF8.GetString(ReadAll(built.Content));
            var expected = recordedBody?.GetRawText() ?? "{}";
            if (JsonSemantics.Difference(expected, sentText) is string diff)
            {
                return Outcome.Fail("body: " + diff);
            }

            return Outcome.Pass(bodyNote ?? "json body");
        }

        return Outcome.Pass();
    }

    /// <summary>Reads a recorded JSON response into its declared model and writes it back; the two must be semantically equal.</summary>
    public static Outcome CheckResponse(Exchange exchange)
    {
        var op = OperationOf(exchange);
        if (op == null)
        {
            return Outcome.NotApplicable("no spec operation");
        }

        var response = exchange.Response;
        if (!response.TryGetProperty("body", out var body) || body.ValueKind == JsonValueKind.Null)
        {
            return Outcome.NotApplicable("response body is not JSON");
        }

        var success = exchange.Status >= 200 && exchange.Status < 300;
        ParsableFactory<IParsable>? factory;
        var collection = false;
        if (success)
        {
            factory = op.ResponseFactory;
            collection = op.ResponseKind == MlflowResponseKind.Collection;
            if (op.ResponseKind == MlflowResponseKind.Untyped)
            {
                // Read exactly as the generated …Async method reads it.
                var untyped = Write(Assert.IsAssignableFrom<UntypedNode>(op.ReadResponse(new JsonParseNode(body))));
                return JsonSemantics.Difference(body.GetRawText(), untyped) is string d ? Outcome.Fail("round trip: " + d) : Outcome.Pass("untyped");
            }

            if (factory == null)
            {
                return Outcome.Fail("JSON " + exchange.Status + " answer, but the spec declares a " + op.ResponseKind + " response");
            }
        }
        else
        {
            var status = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            factory = op.ErrorMapping.TryGetValue(status, out var f) ? f
                : op.ErrorMapping.TryGetValue(status[0] + "XX", out f) ? f
                : op.ErrorMapping.TryGetValue("XXX", out f) ? f
                : null;
            if (factory == null)
            {
                return Outcome.Fail("JSON " + exchange.Status + " answer, but the spec maps no error model");
            }
        }

        string written;
        if (collection)
        {
            if (body.ValueKind != JsonValueKind.Array)
            {
                return Outcome.Fail("expected a JSON array");
            }

            var items = ((System.Collections.IEnumerable)op.ReadResponse(new JsonParseNode(body))!).Cast<IParsable>().ToList();
            using var writer = new JsonSerializationWriter();
            writer.WriteCollectionOfObjectValues(null, items);
            written = Encoding.UTF8.GetString(ReadAll(writer.GetSerializedContent()));
        }
        else
        {
            var model = success ? (IParsable)op.ReadResponse(new JsonParseNode(body))! : Parse(factory, body);
            written = Write(model);
        }

        return JsonSemantics.Difference(body.GetRawText(), written) is string diff
            ? Outcome.Fail("round trip: " + diff)
            : Outcome.Pass(success ? "model" : "error model");
    }

    public static IParsable Parse(ParsableFactory<IParsable> factory, JsonElement json) => new JsonParseNode(json).GetObjectValue(factory);

    public static UntypedNode ParseUntyped(JsonElement json) => new JsonParseNode(json).GetObjectValue(UntypedNode.CreateFromDiscriminatorValue);

    public static string Write(IParsable model)
    {
        using var writer = new JsonSerializationWriter();
        writer.WriteObjectValue(null, model);
        return Encoding.UTF8.GetString(ReadAll(writer.GetSerializedContent()));
    }

    /// <summary>Path values by spec name, from the recorded (percent-encoded) path. Slash-carrying parameters keep their raw text.</summary>
    private static Dictionary<string, string>? PathValues(MlflowOperation op, string rawPath)
    {
        var template = op.PathTemplate.Split('/');
        var actual = rawPath.Split('/');
        var values = new Dictionary<string, string>();
        var names = op.PathParameters;
        var slashParam = template.Length > 0 && template[^1].StartsWith('{') && template[^1].EndsWith('}') && actual.Length > template.Length;
        for (var i = 0; i < template.Length; i++)
        {
            if (i >= actual.Length)
            {
                return null;
            }

            var t = template[i];
            var open = t.IndexOf('{');
            if (open < 0)
            {
                if (t != actual[i])
                {
                    return null;
                }

                continue;
            }

            var close = t.IndexOf('}');
            var name = t[(open + 1)..close];
            var prefix = t[..open];
            var suffix = t[(close + 1)..];
            var segment = i == template.Length - 1 && slashParam ? string.Join('/', actual[i..]) : actual[i];
            if (!segment.StartsWith(prefix, StringComparison.Ordinal) || !segment.EndsWith(suffix, StringComparison.Ordinal))
            {
                return null;
            }

            var raw = segment[prefix.Length..(segment.Length - suffix.Length)];
            // Slash-carrying parameters use RFC 6570 reserved expansion, which passes percent-triplets through:
            // give it the text as sent. Other parameters are percent-encoded by the template: give the decoded value.
            values[name] = name == names[^1] && i == template.Length - 1 && (slashParam || raw.Contains('%')) && IsReserved(op) ? raw : Uri.UnescapeDataString(raw);
        }

        return slashParam || actual.Length == template.Length ? values : null;
    }

    private static bool IsReserved(MlflowOperation op) => op.PathTemplate.Contains("artifact_path", StringComparison.Ordinal) || op.PathTemplate.Contains("{path}", StringComparison.Ordinal);

    private static IEnumerable<KeyValuePair<string, string>> ParseQuery(string query)
    {
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            yield return new(Uri.UnescapeDataString(key.Replace('+', ' ')), Uri.UnescapeDataString(value.Replace('+', ' ')));
        }
    }

    private static byte[]? RawBytes(JsonElement request)
    {
        if (!request.TryGetProperty("raw_body", out var raw) || raw.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        return request.TryGetProperty("raw_body_encoding", out var enc) && enc.GetString() == "base64"
            ? Convert.FromBase64String(raw.GetString()!)
            : Encoding.UTF8.GetBytes(raw.GetString()!);
    }

    private static byte[] ReadAll(Stream? stream)
    {
        if (stream == null)
        {
            return Array.Empty<byte>();
        }

        if (stream.CanSeek)
        {
            stream.Position = 0;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static string Clip(string s) => s.Length > 80 ? s[..80] + "..." : s;
}
