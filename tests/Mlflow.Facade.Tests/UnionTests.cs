using System.Text.Json;
using System.Text.Json.Nodes;
using Mlflow.TestSupport;
using Mlflow.Webhooks;
using WebhookEvent = Mlflow.Webhooks.WebhookEvent;

namespace Mlflow.Facade.Tests;

/// <summary>The generated <see cref="WebhookPayload"/> union and <see cref="WebhookEvent"/>.</summary>
public sealed class UnionTests
{
    private static readonly string[] MlflowEvents =
    {
        "registered_model.created", "model_version.created", "model_version_tag.set", "model_version_tag.deleted",
        "model_version_alias.created", "model_version_alias.deleted", "prompt.created", "prompt_version.created",
        "prompt_tag.set", "prompt_tag.deleted", "prompt_version_tag.set", "prompt_version_tag.deleted",
        "prompt_alias.created", "prompt_alias.deleted", "budget_policy.exceeded",
    };

    public static TheoryData<string> Events() => new(MlflowEvents);

    [Fact]
    public void The_union_has_one_case_per_MLflow_event_with_the_wire_names()
    {
        Assert.Equal(MlflowEvents.Order(StringComparer.Ordinal), WebhookEvent.All.Select(e => e.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(15, typeof(WebhookPayload).GetNestedTypes().Count(t => t.IsSealed && t.IsSubclassOf(typeof(WebhookPayload))));
        Assert.Equal(new WebhookEvent("model_version_alias", "created"), WebhookEvent.ModelVersionAliasCreated);
        Assert.Equal(WebhookEvent.PromptVersionTagDeleted, WebhookEvent.Parse("prompt_version_tag.deleted"));
        Assert.Throws<FormatException>(() => WebhookEvent.Parse("nodot"));
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_round_trips_through_a_delivery_body_with_its_example(string key)
    {
        var ev = WebhookEvent.Parse(key);
        var example = WebhookPayload.ExampleFor(ev) with { Timestamp = new DateTimeOffset(2025, 7, 30, 12, 34, 56, 789, TimeSpan.Zero), Workspace = "team-a" };
        Assert.Equal(ev, example.Event);
        Assert.IsType(WebhookPayload.CaseTypeFor(ev)!, example);
        Assert.IsType(WebhookPayload.TypeFor(ev)!, example.DataModel);

        var json = example.ToJson();
        var parsed = WebhookPayload.Parse(json);

        Assert.Equal(example.GetType(), parsed.GetType());
        Assert.Equal(ev, parsed.Event);
        Assert.Equal(example.Timestamp, parsed.Timestamp);
        Assert.Equal("team-a", parsed.Workspace);
        Assert.True(JsonSemantics.Equal(JsonNode.Parse(example.DataModel.ToJson()), JsonNode.Parse(parsed.DataModel.ToJson())), json);
        Assert.True(JsonSemantics.Equal(JsonNode.Parse(json), JsonNode.Parse(parsed.ToJson())));
        // The example's data is exactly the spec's example.
        Assert.True(JsonSemantics.EqualNullAsAbsent(SpecExample(WebhookPayload.TypeFor(ev)!.Name), JsonNode.Parse(json)!["data"]), json);
    }

    [Fact]
    public void Every_recorded_delivery_parses_into_the_case_of_its_event_without_loss()
    {
        var root = Path.Combine(TestPaths.WireCorpus, "webhooks");
        var files = Directory.GetFiles(root, "*.json");
        Assert.True(files.Length >= 15);
        var seen = new HashSet<string>();
        foreach (var file in files)
        {
            var delivery = JsonNode.Parse(File.ReadAllText(file))!;
            var body = (string)delivery["raw_body"]!;
            var envelope = JsonNode.Parse(body)!;
            var payload = WebhookPayload.Parse(body);
            Assert.Equal((string)delivery["event"]!, payload.Event.ToString());
            Assert.Equal(DateTimeOffset.Parse((string)envelope["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture), payload.Timestamp);
            // Written back exactly as MLflow sent it (a required null such as description: null stays null).
            Assert.True(JsonSemantics.Equal(envelope["data"], JsonNode.Parse(payload.DataModel.ToJson())), file);
            seen.Add(payload.Event.ToString());
        }

        Assert.Equal(15, seen.Count);
    }

    [Fact]
    public void Match_and_Switch_reach_the_case_and_expose_typed_data()
    {
        var payload = WebhookPayload.ExampleFor(WebhookEvent.ModelVersionAliasCreated);
        var text = payload.Match(
            registeredModelCreated: _ => "rm", modelVersionCreated: _ => "mv", modelVersionTagSet: _ => "", modelVersionTagDeleted: _ => "",
            modelVersionAliasCreated: c => c.Data.Name + "@" + c.Data.Alias, modelVersionAliasDeleted: _ => "", promptCreated: _ => "",
            promptVersionCreated: _ => "", promptTagSet: _ => "", promptTagDeleted: _ => "", promptVersionTagSet: _ => "",
            promptVersionTagDeleted: _ => "", promptAliasCreated: _ => "", promptAliasDeleted: _ => "", budgetPolicyExceeded: _ => "");
        var alias = (WebhookPayload.ModelVersionAliasCreated)payload;
        Assert.Equal(alias.Data.Name + "@" + alias.Data.Alias, text);

        var budget = (WebhookPayload.BudgetPolicyExceeded)WebhookPayload.ExampleFor("budget_policy", "exceeded");
        var hit = 0;
        budget.Switch(_ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, _ => { }, b => hit++);
        Assert.Equal(1, hit);
        // Literal-typed fields are (open) enums with the spec's values.
        Assert.IsType<WebhookBudgetUnit>(budget.Data.BudgetUnit);
        Assert.IsType<WebhookBudgetDurationUnit>(budget.Data.DurationUnit);
        Assert.IsType<WebhookBudgetTargetScope>(budget.Data.TargetScope);
        Assert.True(budget.Data.BudgetUnit.IsKnown);
        Assert.Equal(new[] { "USD" }, WebhookBudgetUnit.Known.Select(u => u.Value));
    }

    [Fact]
    public void TypeFor_and_ExampleFor_mirror_the_python_helpers_for_unknown_events()
    {
        var unknown = new WebhookEvent("experiment", "created");
        Assert.Null(WebhookPayload.TypeFor(unknown));
        Assert.False(unknown.IsKnown);
        Assert.Equal(typeof(ModelVersionCreatedPayload), WebhookPayload.TypeFor("model_version", "created"));
        var ex = Assert.Throws<ArgumentException>(() => WebhookPayload.ExampleFor(unknown));
        Assert.Contains("experiment.created", ex.Message);
    }

    [Fact]
    public void Bad_deliveries_are_refused_with_a_reason_naming_fields_not_values()
    {
        Assert.False(WebhookPayload.TryParse("not json", out _, out var e1));
        Assert.Contains("JSON", e1);
        Assert.False(WebhookPayload.TryParse("{\"entity\":\"x\",\"action\":\"y\",\"timestamp\":\"2025-01-01T00:00:00+00:00\",\"data\":{}}", out _, out var e2));
        Assert.Contains("x.y", e2);
        Assert.False(WebhookPayload.TryParse("{\"entity\":\"model_version\",\"action\":\"created\",\"data\":{}}", out _, out var e3));
        Assert.Contains("timestamp", e3);
        using var doc = JsonDocument.Parse("{\"name\":\"secret-value\"}");
        Assert.False(WebhookPayload.TryParse("model_version", "created", doc.RootElement, out _, out var e4));
        Assert.Contains("required field", e4);
        Assert.DoesNotContain("secret-value", e4);
        using var notObject = JsonDocument.Parse("[1]");
        Assert.False(WebhookPayload.TryParse("model_version", "created", notObject.RootElement, out _, out var e5));
        Assert.Contains("object", e5);
        Assert.Throws<FormatException>(() => WebhookPayload.Parse("{}"));
    }

    internal static JsonNode? SpecExample(string schemaName) =>
        SpecIndex.Load().Spec["components"]!["schemas"]![schemaName]!["example"];
}
