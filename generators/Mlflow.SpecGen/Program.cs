using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.SpecGen;

// Command line (see generators/Mlflow.SpecGen/README.md):
//   generate [--protos DIR|FILE] [--catalog FILE|none] [--overlay DIR] [--previous SPEC] [--mlflow-version X.Y.Z] [--out FILE]
//   extract --protos DIR [--source TEXT] [--out FILE]
//   diff OLD NEW [--format text|markdown] [--out FILE] [--fail-on-breaking]
//   nswag-view SPEC OUT
const string Usage = """
    usage:
      generate [--protos DIR|FILE] [--catalog FILE|none] [--overlay DIR] [--previous SPEC] [--mlflow-version X.Y.Z] [--out FILE]
          DIR: a folder of MLflow .proto files (mlflow/protos of an MLflow checkout); FILE: a structure dump (extract's output)
          defaults: spec/sources/mlflow-protos.json, spec/sources/mlflow-endpoints.tsv (when present), spec/sources/overlay,
                    spec/mlflow.openapi.json
      extract --protos DIR [--source TEXT] [--out FILE]     writes the structure dump (default spec/sources/mlflow-protos.json)
      diff OLD NEW [--format text|markdown] [--out FILE] [--fail-on-breaking]
          exit code 3 with --fail-on-breaking when a change is breaking
      nswag-view SPEC OUT                                 the OpenAPI 3.0 view NSwag reads
    """;
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine(Usage);
        return 0;
    }
    string? Arg(string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
    var json = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    switch (args[0])
    {
        case "generate":
        {
            var notes = new List<string>();
            var protos = ProtoStore.Load(Arg("--protos") ?? "spec/sources/mlflow-protos.json", notes);
            var catalogPath = Arg("--catalog") ?? (File.Exists("spec/sources/mlflow-endpoints.tsv") ? "spec/sources/mlflow-endpoints.tsv" : "none");
            var catalog = catalogPath == "none" ? null : Catalog.Load(catalogPath);
            var overlay = Overlay.Load(Arg("--overlay") ?? "spec/sources/overlay");
            var output = Arg("--out") ?? "spec/mlflow.openapi.json";
            // Read before writing: --previous may be the output file itself.
            var previous = Arg("--previous") is { } previousPath ? JsonNode.Parse(File.ReadAllText(previousPath))!.AsObject() : null;
            var builder = new SpecBuilder(protos, catalog, overlay, new SpecOptions(previous, Arg("--mlflow-version")));
            var doc = builder.Build();
            File.WriteAllText(output, doc.ToJsonString(json) + "\n");
            foreach (var note in notes.Concat(builder.Notes)) Console.Error.WriteLine("note: " + note);
            var ops = doc["paths"]!.AsObject().Sum(p => p.Value!.AsObject().Count);
            Console.WriteLine($"wrote {output}: {ops} operations, {doc["components"]!["schemas"]!.AsObject().Count} schemas, {doc["webhooks"]!.AsObject().Count} webhooks");
            return 0;
        }
        case "extract":
        {
            var notes = new List<string>();
            var folder = Arg("--protos") ?? throw new SpecGenException("extract needs --protos <folder of .proto files>");
            var dump = ProtoFolder.Extract(folder, notes, Arg("--source"));
            var output = Arg("--out") ?? "spec/sources/mlflow-protos.json";
            File.WriteAllText(output, dump.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
            foreach (var note in notes) Console.Error.WriteLine("note: " + note);
            var files = dump["files"]!.AsArray();
            Console.WriteLine($"wrote {output}: {files.Count} files, {files.Sum(f => f!["services"]!.AsArray().Sum(s => s!["rpcs"]!.AsArray().Count))} RPCs of the served services");
            return 0;
        }
        case "diff" when args.Length >= 3:
        {
            var report = SpecDiff.Compare(JsonNode.Parse(File.ReadAllText(args[1]))!.AsObject(), JsonNode.Parse(File.ReadAllText(args[2]))!.AsObject());
            var format = Arg("--format") ?? "text";
            var text = format switch
            {
                "markdown" or "md" => SpecDiff.ToMarkdown(report, args[1], args[2]),
                "text" => SpecDiff.ToText(report),
                _ => throw new SpecGenException($"unknown --format '{format}' (text or markdown)"),
            };
            if (Arg("--out") is { } outFile) File.WriteAllText(outFile, text);
            else Console.Write(text);
            return args.Contains("--fail-on-breaking") && report.Any(c => c.Breaking) ? 3 : 0;
        }
        case "nswag-view" when args.Length == 3: return NswagView.Run(args[1], args[2]);
        default:
            Console.Error.WriteLine("unknown command; see --help");
            return 2;
    }
}
catch (SpecGenException ex)
{
    Console.Error.WriteLine("spec generation failed: " + ex.Message);
    return 1;
}
