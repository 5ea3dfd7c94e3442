using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.TestSupport;

namespace Mlflow.Facade.Tests;

/// <summary>The generated <c>Example()</c> factories return exactly the spec's example values.</summary>
public sealed class ExampleTests
{
    private static readonly Assembly Client = typeof(MlflowClient).Assembly;

    // The webhook payload types (with their examples) are generated into Mlflow.Webhooks.
    private static readonly Assembly Webhooks = typeof(Mlflow.Webhooks.WebhookPayload).Assembly;

    private static List<string> Names() =>
        SpecIndex.Load().Spec["components"]!["schemas"]!.AsObject().Where(p => p.Value!["example"] is JsonObject).Select(p => p.Key).ToList();

    public static TheoryData<string> SchemasWithObjectExamples() => new(Names());

    [Theory]
    [MemberData(nameof(SchemasWithObjectExamples))]
    public void Example_equals_the_spec_example(string schema)
    {
        var expected = SpecIndex.Load().Spec["components"]!["schemas"]![schema]!["example"];
        if (Webhooks.GetType("Mlflow.Webhooks." + schema) is { } payloadType)
        {
            var make = payloadType.GetMethod("Example", BindingFlags.Public | BindingFlags.Static);
            Assert.NotNull(make);
            var payload = (Mlflow.Webhooks.WebhookPayloadData)make!.Invoke(null, null)!;
            var written = JsonNode.Parse(payload.ToJson());
            // Webhook payloads write what the example says, nulls included.
            Assert.True(JsonSemantics.Equal(expected, written), schema + ": " + written?.ToJsonString() + " != " + expected?.ToJsonString());
            Assert.NotSame(payload, make.Invoke(null, null));
            return;
        }

        var type = Client.GetType("Mlflow.Client.Models." + schema);
        Assert.NotNull(type);
        var factory = type!.GetMethod("Example", BindingFlags.Public | BindingFlags.Static);
        Assert.NotNull(factory);
        var value = (IParsable)factory!.Invoke(null, null)!;
        var actual = KiotaJson.Write(value);
        // Members the example sets to null are not written by Kiota models (null = absent).
        Assert.True(JsonSemantics.EqualNullAsAbsent(expected, actual), schema + ": " + actual?.ToJsonString() + " != " + expected?.ToJsonString());
        Assert.NotSame(value, factory.Invoke(null, null));
    }

    [Fact]
    public void Every_object_schema_with_an_example_has_a_factory_and_no_other_model_has_one()
    {
        var expected = Names().Order(StringComparer.Ordinal).ToList();
        var actual = Client.GetTypes().Where(t => t.Namespace == "Mlflow.Client.Models")
            .Concat(Webhooks.GetTypes().Where(t => t.Namespace == "Mlflow.Webhooks"))
            .Where(t => t.GetMethod("Example", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes) != null)
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.True(expected.Count >= 40);
    }
}
