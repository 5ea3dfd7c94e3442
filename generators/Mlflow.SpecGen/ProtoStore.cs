using System.Text.Json.Nodes;

namespace Mlflow.SpecGen;

/// <summary>One field of a proto message, as described by the proto structure dump.</summary>
internal sealed record ProtoField(
    string Name,
    string Label,
    string Type,
    string? TypeName,
    string? MapKey,
    string? MapValue,
    string? Oneof,
    string? Default,
    bool ValidateRequired)
{
    public bool Repeated => Label == "repeated";
}

/// <summary>A proto message (nested messages are registered separately under their full names).</summary>
internal sealed record ProtoMessage(string FullName, string Package, IReadOnlyList<ProtoField> Fields);

/// <summary>A proto enum with its value names in declaration order and their numbers.</summary>
internal sealed record ProtoEnum(string FullName, string Package, IReadOnlyList<string> Values, IReadOnlyList<int> Numbers);

/// <summary>An HTTP binding of an RPC.</summary>
internal sealed record ProtoEndpoint(string Method, string Path, string Since);

/// <summary>An RPC of a served proto service.</summary>
internal sealed record ProtoRpc(
    string File,
    string Service,
    string Name,
    string Input,
    string Output,
    IReadOnlyList<ProtoEndpoint> Endpoints,
    string Visibility);

/// <summary>
/// The proto structure of MLflow (messages, enums, services), loaded from the JSON dump in
/// <c>spec/sources/mlflow-protos.json</c> or read from a folder of <c>.proto</c> files (<see cref="ProtoFolder"/>).
/// </summary>
internal sealed class ProtoStore
{
    public Dictionary<string, ProtoMessage> Messages { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ProtoEnum> Enums { get; } = new(StringComparer.Ordinal);
    public List<ProtoRpc> Rpcs { get; } = new();
    public string Source { get; private set; } = "";

    /// <summary>Loads a structure dump (a JSON file) or reads a folder of .proto files.</summary>
    public static ProtoStore Load(string path, List<string>? notes = null)
    {
        if (Directory.Exists(path)) return FromJson(ProtoFolder.Extract(path, notes));
        if (!File.Exists(path)) throw new SpecGenException($"--protos: '{path}' is neither a folder of .proto files nor a structure dump (JSON)");
        return FromJson(JsonNode.Parse(File.ReadAllText(path))!.AsObject());
    }

    /// <summary>Reads a structure dump.</summary>
    public static ProtoStore FromJson(JsonObject root)
    {
        var store = new ProtoStore { Source = (string?)root["source"] ?? "" };
        foreach (var file in root["files"]!.AsArray())
        {
            var fileName = (string)file!["file"]!;
            var package = (string)file["package"]!;
            foreach (var e in file["enums"]!.AsArray()) store.AddEnum(e!, package);
            store.AddMessages(file["messages"]!.AsArray(), package);
            foreach (var service in file["services"]!.AsArray())
            {
                var serviceName = (string)service!["name"]!;
                foreach (var rpc in service["rpcs"]!.AsArray())
                {
                    var endpoints = rpc!["endpoints"]!.AsArray()
                        .Select(ep => new ProtoEndpoint((string)ep!["method"]!, (string)ep["path"]!, (string)ep["since"]!))
                        .ToList();
                    store.Rpcs.Add(new ProtoRpc(fileName, serviceName, (string)rpc["name"]!, (string)rpc["input"]!,
                        (string)rpc["output"]!, endpoints, (string?)rpc["visibility"] ?? "PUBLIC"));
                }
            }
        }
        return store;
    }

    private void AddEnum(JsonNode e, string package)
    {
        var values = e["values"]!.AsArray().Select(v => (string)v!["name"]!).ToList();
        var numbers = e["values"]!.AsArray().Select(v => (int)v!["number"]!).ToList();
        var name = (string)e["name"]!;
        Enums[name] = new ProtoEnum(name, package, values, numbers);
    }

    private void AddMessages(JsonArray messages, string package)
    {
        foreach (var m in messages)
        {
            var fields = m!["fields"]!.AsArray().Select(f => new ProtoField(
                (string)f!["name"]!,
                (string)f["label"]!,
                (string)f["type"]!,
                (string?)f["type_name"],
                (string?)f["map"]?["key"],
                (string?)f["map"]?["value"],
                (string?)f["oneof"],
                f["default"]?.ToString(),
                (bool?)f["validate_required"] ?? false)).ToList();
            var name = (string)m["name"]!;
            Messages[name] = new ProtoMessage(name, package, fields);
            foreach (var e in m["nested_enums"]?.AsArray() ?? new JsonArray()) AddEnum(e!, package);
            AddMessages(m["nested_messages"]?.AsArray() ?? new JsonArray(), package);
        }
    }
}
