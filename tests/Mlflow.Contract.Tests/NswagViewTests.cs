using System.Text.Json.Nodes;
using Mlflow.TestSupport;

namespace Mlflow.Contract.Tests;

/// <summary>
/// The OpenAPI 3.0 view of the spec that NSwag reads (derived at build time by <c>Mlflow.SpecGen nswag-view</c> into
/// src/Mlflow.Testing/obj/nswag): the same operations, without the 3.1 constructs NJsonSchema cannot read.
/// </summary>
public sealed class NswagViewTests
{
    [Fact]
    public void The_view_keeps_every_operation_and_drops_only_what_nswag_cannot_read()
    {
        var viewPath = Path.Combine(TestPaths.RepoRoot, "src", "Mlflow.Testing", "obj", "nswag", "mlflow.nswag-view.json");
        Assert.True(File.Exists(viewPath), "built with the test project: " + viewPath);
        var view = JsonNode.Parse(File.ReadAllText(viewPath))!.AsObject();
        var spec = SpecIndex.Load().Spec;

        Assert.Equal("3.0.3", (string?)view["openapi"]);
        Assert.Null(view["webhooks"]);
        Assert.Null(view["jsonSchemaDialect"]);
        var constructs = new List<string>();
        Walk(view, "$", constructs);
        Assert.Empty(constructs);

        static IEnumerable<string> Ids(JsonObject doc) => doc["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Value is JsonObject o && o["operationId"] is not null).Select(m => (string)m.Value!["operationId"]!))
            .Order(StringComparer.Ordinal);
        Assert.Equal(Ids(spec), Ids(view));
        Assert.Contains("/api/2.0/mlflow-artifacts/artifacts/{**artifact_path}", view["paths"]!.AsObject().Select(p => p.Key));
        Assert.DoesNotContain("/api/2.0/mlflow-artifacts/artifacts/{artifact_path}", view["paths"]!.AsObject().Select(p => p.Key));
    }

    private static void Walk(JsonNode? node, string where, List<string> found)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"] is JsonArray) found.Add(where + ".type is an array");
                if (obj.ContainsKey("const")) found.Add(where + ".const");
                foreach (var (key, child) in obj) Walk(child, where + "." + key, found);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) Walk(array[i], $"{where}[{i}]", found);
                break;
        }
    }
}
