using System.Text.Json.Nodes;
using Mlflow.TestSupport;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>
/// The recorded exchanges, webhook deliveries and examples validated by a standard JSON Schema validator
/// (NJsonSchema), beside our own checker (WireContractTests): no leniency beyond what the spec declares. The known
/// non-conforming requests are the ones ContractExceptions.tsv lists, with the same check failing.
/// </summary>
public class StandardSchemaTests
{
    private static readonly Lazy<StandardSchemaContract> Contract = new(() => new StandardSchemaContract(SpecIndex.Load()));

    public static IEnumerable<object[]> ExchangeIds() => WireContractTests.ExchangeIds();

    [Theory]
    [MemberData(nameof(ExchangeIds))]
    public void Recorded_exchange_validates_with_NJsonSchema(string exchange)
    {
        var id = exchange.Split(' ')[0];
        var e = WireCorpus.Exchanges.Single(x => x.Id == id);
        var result = Contract.Value.Check(e);
        var failing = new List<string>();
        if (result.MatchErrors.Count > 0) failing.Add("match");
        if (result.RequestErrors.Count > 0) failing.Add("request");
        if (result.ResponseErrors.Count > 0) failing.Add("response");
        var details = string.Join("\n", result.MatchErrors.Concat(result.RequestErrors).Concat(result.ResponseErrors));
        if (WireContractTests.Exceptions.Value.TryGetValue(id, out var known))
        {
            Assert.True(failing.Count == 1 && failing[0] == known.Check,
                $"{e}: listed as a known '{known.Check}' exception ({known.Reason}) but NJsonSchema found [{string.Join(",", failing)}]\n{details}");
            return;
        }
        Assert.True(result.Ok, $"{e} (operation {result.Operation?.OperationId}):\n{details}");
    }

    [Fact]
    public void Recorded_webhook_deliveries_validate_with_NJsonSchema()
    {
        var webhooks = Contract.Value.Spec["webhooks"]!.AsObject();
        var files = Directory.GetFiles(Path.Combine(TestPaths.WireCorpus, "webhooks"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var body = JsonNode.Parse((string)JsonNode.Parse(File.ReadAllText(file))!["raw_body"]!)!;
            var schema = webhooks[(string)body["entity"]! + "." + (string)body["action"]!]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
            var errors = Contract.Value.Validate(body, schema, Path.GetFileName(file));
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            // The envelope's constants are checked: the same body under another event fails.
            var other = (string)body["action"]! == "created" ? "deleted" : "created";
            var wrong = body.DeepClone();
            wrong["action"] = other;
            Assert.NotEmpty(Contract.Value.Validate(wrong, schema, Path.GetFileName(file)));
        }
    }

    [Fact]
    public void Every_example_validates_with_NJsonSchema()
    {
        var count = 0;
        foreach (var (name, schema) in SpecIndex.Load().Spec["components"]!["schemas"]!.AsObject())
        {
            if (schema!["example"] is not JsonNode example) continue;
            var errors = Contract.Value.Validate(example, new JsonObject { ["$ref"] = "#/components/schemas/" + name }, name);
            Assert.True(errors.Count == 0, string.Join("\n", errors));
            count++;
        }
        Assert.True(count >= 17);
    }

    [Fact]
    public void The_wire_spellings_are_exactly_what_the_schemas_declare()
    {
        JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };
        var c = Contract.Value;
        // Response messages: the non-finite strings on doubles, numeric strings on int64, nothing else.
        Assert.Empty(c.Validate(JsonNode.Parse("""{"key":"loss","value":"NaN","timestamp":"1700000000000","step":"3"}"""), Ref("Metric"), "metric"));
        Assert.Empty(c.Validate(JsonNode.Parse("""{"key":"loss","value":"-Infinity","timestamp":1,"step":0}"""), Ref("Metric"), "metric"));
        Assert.NotEmpty(c.Validate(JsonNode.Parse("""{"key":"loss","value":"nan"}"""), Ref("Metric"), "metric"));
        Assert.NotEmpty(c.Validate(JsonNode.Parse("""{"key":"loss","timestamp":"soon"}"""), Ref("Metric"), "metric"));
        Assert.NotEmpty(c.Validate(JsonNode.Parse("""{"key":"loss","step":"NaN"}"""), Ref("Metric"), "metric"));
        Assert.NotEmpty(c.Validate(JsonNode.Parse("""{"key":null}"""), Ref("Metric"), "metric"));
        // Requests: null in an optional field; never in a required one.
        Assert.Empty(c.Validate(JsonNode.Parse("""{"experiment_ids":["1"],"page_token":null,"max_results":null}"""), Ref("SearchRuns"), "search"));
        Assert.Empty(c.Validate(JsonNode.Parse("""{"run_id":null,"key":"k","value":"Infinity","timestamp":"5","step":null}"""), Ref("LogMetric"), "log"));
        Assert.NotEmpty(c.Validate(JsonNode.Parse("""{"key":null,"value":1,"timestamp":1}"""), Ref("LogMetric"), "log"));
    }

    [Fact]
    public void NJsonSchema_catches_a_schema_that_no_longer_fits_the_wire()
    {
        var spec = SpecIndex.Load().Spec.DeepClone().AsObject();
        spec["components"]!["schemas"]!["RunInfo"]!["properties"]!["start_time"] = new JsonObject { ["type"] = "string" };
        var contract = new StandardSchemaContract(new SpecIndex(spec));
        var exchange = WireCorpus.Exchanges.First(e => e.Operation == "GetRun" && e.Status == 200);
        Assert.Contains(contract.Check(exchange).ResponseErrors, e => e.Contains("start_time", StringComparison.Ordinal));
    }
}
