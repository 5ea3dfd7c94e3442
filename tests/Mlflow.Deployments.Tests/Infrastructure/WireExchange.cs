using System.Text.Json.Nodes;

namespace Mlflow.Deployments.Tests.Infrastructure;

/// <summary>One recorded request/response pair from tests/data/mlflow-wire/exchanges.</summary>
public sealed class WireExchange
{
    private WireExchange(string file, JsonObject json)
    {
        File = file;
        Json = json;
        var request = json["request"]!.AsObject();
        var response = json["response"]!.AsObject();
        Id = json["id"]!.GetValue<string>();
        Name = json["name"]!.GetValue<string>();
        Note = json["note"]?.GetValue<string>();
        Method = request["method"]!.GetValue<string>();
        Path = request["path"]!.GetValue<string>();
        RawQuery = request["raw_query"]!.GetValue<string>();
        RequestHeaders = Headers(request["headers"]);
        RequestBody = request["body"];
        RequestRawBody = request["raw_body"]?.GetValue<string>();
        Status = response["status"]!.GetValue<int>();
        ResponseHeaders = Headers(response["headers"]);
        ResponseBody = response["body"];
        ResponseRawBody = response["raw_body"]!.GetValue<string>();
    }

    public string File { get; }
    public JsonObject Json { get; }
    public string Id { get; }
    public string Name { get; }
    public string? Note { get; }
    public string Method { get; }
    public string Path { get; }
    public string RawQuery { get; }
    public IReadOnlyDictionary<string, string> RequestHeaders { get; }
    public JsonNode? RequestBody { get; }
    public string? RequestRawBody { get; }
    public int Status { get; }
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; }
    public JsonNode? ResponseBody { get; }
    public string ResponseRawBody { get; }

    /// <summary>The recorder noted that the server closed the connection before the body was complete.</summary>
    public bool BodyBrokeOff => Note?.Contains("[transfer: IncompleteRead", StringComparison.Ordinal) ?? false;

    public string? ResponseContentType => ResponseHeaders.GetValueOrDefault("content-type");

    public bool IsEventStream => ResponseContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) ?? false;

    public static string Directory(string area) => System.IO.Path.Combine(AppContext.BaseDirectory, "wire", area);

    public static IEnumerable<string> Files(string area) =>
        System.IO.Directory.EnumerateFiles(Directory(area), "*.json").Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static WireExchange Load(string area, string fileOrName)
    {
        var file = fileOrName.EndsWith(".json", StringComparison.Ordinal)
            ? fileOrName
            : Files(area).Single(f => f[5..^5] == fileOrName);
        var text = System.IO.File.ReadAllText(System.IO.Path.Combine(Directory(area), file));
        return new WireExchange(file, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>The data of each event of a recorded event-stream body (events are exactly <c>data: json\n\n</c>).</summary>
    public IReadOnlyList<string> RecordedEventData() =>
        ResponseRawBody.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.StartsWith("data: ", StringComparison.Ordinal) ? e["data: ".Length..] : throw new InvalidOperationException(e))
            .ToArray();

    private static Dictionary<string, string> Headers(JsonNode? node) =>
        node is JsonObject o
            ? o.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
