using System.Text.Json.Nodes;
using Mlflow.SpecGen;
using Mlflow.TestSupport;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>Examples, webhooks, derivation from the sources, and that the checks themselves catch regressions.</summary>
public class SpecContentTests
{
    private static readonly Lazy<SpecIndex> Index = new(() => SpecIndex.Load());

    [Fact]
    public void Every_example_validates_against_its_schema()
    {
        var validator = new SchemaValidator(Index.Value.Spec);
        var checkedCount = 0;
        foreach (var (name, schema) in Index.Value.Spec["components"]!["schemas"]!.AsObject())
        {
            if (schema!["example"] is not JsonNode example) continue;
            var errors = validator.Validate(example, schema, name);
            Assert.True(errors.Count == 0, $"example of {name}: {string.Join("; ", errors)}");
            checkedCount++;
        }
        Assert.True(checkedCount >= 17, $"only {checkedCount} examples found");
    }

    [Fact]
    public void Webhooks_describe_all_fifteen_events_with_MLflows_example_payloads()
    {
        var webhooks = Index.Value.Spec["webhooks"]!.AsObject();
        string[] events =
        [
            "registered_model.created", "model_version.created", "model_version_tag.set", "model_version_tag.deleted",
            "model_version_alias.created", "model_version_alias.deleted", "prompt.created", "prompt_version.created",
            "prompt_tag.set", "prompt_tag.deleted", "prompt_version_tag.set", "prompt_version_tag.deleted",
            "prompt_alias.created", "prompt_alias.deleted", "budget_policy.exceeded",
        ];
        Assert.Equal(events.Order(), webhooks.Select(w => w.Key).Order());
        var schemas = Index.Value.Spec["components"]!["schemas"]!;
        var examples = webhooks.Select(w => schemas[((string)w.Value!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["data"]!["$ref"]!).Split('/').Last()]!["example"]!).ToList();
        var all = string.Join("\n", examples.Select(e => e.ToJsonString()));
        foreach (var value in new[] { "example_model", "models:/123", "abcd1234abcd5678", "bp-abc123", "1704067200000", "example_prompt", "Hello {{name}}!" })
            Assert.Contains(value, all);
        foreach (var (_, hook) in webhooks)
        {
            var headers = hook!["post"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
            Assert.Equal(["X-MLflow-Delivery-Id", "X-MLflow-Timestamp", "X-MLflow-Signature"], headers);
        }
    }

    [Fact]
    public void Recorded_webhook_deliveries_validate_against_their_event_envelope()
    {
        var validator = new SchemaValidator(Index.Value.Spec);
        var webhooks = Index.Value.Spec["webhooks"]!.AsObject();
        var files = Directory.GetFiles(Path.Combine(TestPaths.WireCorpus, "webhooks"), "*.json");
        Assert.Equal(33, files.Length);
        foreach (var file in files)
        {
            var delivery = JsonNode.Parse(File.ReadAllText(file))!;
            var body = JsonNode.Parse((string)delivery["raw_body"]!)!;
            var key = (string)body["entity"]! + "." + (string)body["action"]!;
            var schema = webhooks[key]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
            var errors = validator.Validate(body, schema, key);
            Assert.True(errors.Count == 0, $"{Path.GetFileName(file)}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void Committed_spec_is_exactly_what_SpecGen_derives_from_the_sources()
    {
        var sources = Path.Combine(AppContext.BaseDirectory, "spec-sources");
        var committed = JsonNode.Parse(File.ReadAllText(TestPaths.Spec))!.AsObject();
        // As the Generate target runs it: the committed spec is the previous one (first releases of operations the
        // catalog does not list are kept from it).
        var builder = new SpecBuilder(
            ProtoStore.Load(Path.Combine(sources, "mlflow-protos.json")),
            Catalog.Load(Path.Combine(sources, "mlflow-endpoints.tsv")),
            Overlay.Load(Path.Combine(sources, "overlay")),
            new SpecOptions(Previous: committed.DeepClone().AsObject()));
        var derived = builder.Build();
        Assert.True(JsonNode.DeepEquals(derived, committed), "spec/mlflow.openapi.json is stale: run `dotnet cake --target=Generate` and commit the result");
        Assert.Empty(builder.Notes); // the overlay fits these protos: nothing left out
    }

    [Fact]
    public void SpecDiff_flags_removed_and_retyped_fields_as_breaking()
    {
        var oldSpec = Index.Value.Spec.DeepClone().AsObject();
        var newSpec = Index.Value.Spec.DeepClone().AsObject();
        newSpec["components"]!["schemas"]!["RunInfo"]!["properties"]!["start_time"] = new JsonObject { ["type"] = "string" };
        newSpec["components"]!["schemas"]!["RunInfo"]!["properties"]!.AsObject().Remove("end_time");
        newSpec["paths"]!.AsObject().Remove("/api/2.0/mlflow/runs/create");
        var changes = SpecDiff.Compare(oldSpec, newSpec);
        Assert.Contains(changes, c => c is { Kind: "retyped", Where: "schema RunInfo.start_time", Breaking: true });
        Assert.Contains(changes, c => c is { Kind: "removed", Where: "schema RunInfo.end_time", Breaking: true });
        Assert.Contains(changes, c => c is { Kind: "removed", Where: "operation POST /api/2.0/mlflow/runs/create", Breaking: true });
        Assert.Empty(SpecDiff.Compare(oldSpec, oldSpec.DeepClone().AsObject()));
    }

    [Fact]
    public void Contract_checker_catches_a_schema_that_no_longer_fits_the_wire()
    {
        // Break one field type the real server writes as a number: the exchanges that carry it must now fail.
        var spec = Index.Value.Spec.DeepClone().AsObject();
        spec["components"]!["schemas"]!["RunInfo"]!["properties"]!["start_time"] = new JsonObject { ["type"] = "string" };
        var checker = new ContractChecker(new SpecIndex(spec));
        var exchange = WireCorpus.Exchanges.First(e => e.Operation == "GetRun" && e.Status == 200);
        var result = checker.Check(exchange);
        Assert.Contains(result.ResponseErrors, e => e.Contains("start_time", StringComparison.Ordinal));

        // And a removed operation makes its requests unmatched.
        var spec2 = Index.Value.Spec.DeepClone().AsObject();
        spec2["paths"]!.AsObject().Remove("/api/2.0/mlflow/runs/get");
        Assert.NotEmpty(new ContractChecker(new SpecIndex(spec2)).Check(exchange).MatchErrors);
    }
}
