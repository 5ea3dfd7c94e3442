using System.Text.Json.Nodes;

namespace Mlflow.TestSupport;

/// <summary>One recorded HTTP exchange with a real MLflow server (format in the corpus README).</summary>
public sealed record WireExchange(
    string Id,
    string Area,
    string Operation,
    string Name,
    string Server,
    string PathTemplate,
    string File,
    JsonObject Request,
    JsonObject Response)
{
    /// <summary>HTTP method of the request.</summary>
    public string Method => (string)Request["method"]!;

    /// <summary>Path exactly as sent (percent-encoding kept).</summary>
    public string Path => (string)Request["path"]!;

    /// <summary>Decoded query pairs, in order, repeats kept.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query =>
        Request["query"]!.AsArray().Select(p => new KeyValuePair<string, string>((string)p![0]!, (string)p[1]!)).ToList();

    /// <summary>Response status code.</summary>
    public int Status => (int)Response["status"]!;

    /// <summary>A request or response header (lower-case name), if recorded.</summary>
    public static string? Header(JsonObject message, string name) => (string?)message["headers"]?[name];

    /// <summary>The media type without parameters, lower-case.</summary>
    public static string? MediaType(JsonObject message) =>
        Header(message, "content-type")?.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>The raw body bytes (decoding base64 when the corpus stored it so).</summary>
    public static byte[] RawBytes(JsonObject message)
    {
        var raw = (string?)message["raw_body"] ?? "";
        return (string?)message["raw_body_encoding"] == "base64" ? Convert.FromBase64String(raw) : System.Text.Encoding.UTF8.GetBytes(raw);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} {Name} ({Method} {Path} -> {Status})";
}

/// <summary>Loads the recorded exchanges of the wire corpus.</summary>
public static class WireCorpus
{
    private static readonly Lazy<IReadOnlyList<WireExchange>> All = new(Load);

    /// <summary>Every recorded exchange, in id order.</summary>
    public static IReadOnlyList<WireExchange> Exchanges => All.Value;

    private static IReadOnlyList<WireExchange> Load()
    {
        var root = TestPaths.WireCorpus;
        var list = new List<WireExchange>();
        foreach (var line in System.IO.File.ReadLines(System.IO.Path.Combine(root, "index.tsv")).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var file = line.Split('\t')[7];
            var node = JsonNode.Parse(System.IO.File.ReadAllText(System.IO.Path.Combine(root, file)))!.AsObject();
            list.Add(new WireExchange(
                (string)node["id"]!, (string)node["area"]!, (string)node["operation"]!, (string)node["name"]!,
                (string)node["server"]!, (string)node["path_template"]!, file,
                node["request"]!.AsObject(), node["response"]!.AsObject()));
        }
        return list;
    }
}
