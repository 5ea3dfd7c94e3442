using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.SpecGen;

// Command line:
//   generate --protos <mlflow-protos.json> --catalog <mlflow-endpoints.tsv> --overlay <dir> --out <spec.json>
//   diff <old-spec.json> <new-spec.json>
try
{
    if (args.Length == 0 || args[0] is "-h" or "--help")
    {
        Console.WriteLine("usage: generate --protos FILE --catalog FILE --overlay DIR --out FILE | diff OLD NEW");
        return 0;
    }
    switch (args[0])
    {
        case "generate":
        {
            string Arg(string name, string fallback)
            {
                var i = Array.IndexOf(args, name);
                return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
            }
            var protos = ProtoStore.Load(Arg("--protos", "spec/sources/mlflow-protos.json"));
            var catalog = Catalog.Load(Arg("--catalog", "spec/sources/mlflow-endpoints.tsv"));
            var overlay = Overlay.Load(Arg("--overlay", "spec/sources/overlay"));
            var doc = new SpecBuilder(protos, catalog, overlay).Build();
            var text = doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
            var output = Arg("--out", "spec/mlflow.openapi.json");
            File.WriteAllText(output, text);
            var ops = doc["paths"]!.AsObject().Sum(p => p.Value!.AsObject().Count);
            Console.WriteLine($"wrote {output}: {ops} operations, {doc["components"]!["schemas"]!.AsObject().Count} schemas, {doc["webhooks"]!.AsObject().Count} webhooks");
            return 0;
        }
        case "diff" when args.Length == 3:
        {
            var changes = SpecDiff.Compare(JsonNode.Parse(File.ReadAllText(args[1]))!.AsObject(), JsonNode.Parse(File.ReadAllText(args[2]))!.AsObject());
            foreach (var c in changes) Console.WriteLine($"{(c.Breaking ? "BREAKING" : "ok      ")} {c.Kind,-9} {c.Where}");
            Console.WriteLine($"{changes.Count} changes, {changes.Count(c => c.Breaking)} breaking");
            return changes.Any(c => c.Breaking) ? 3 : 0;
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
