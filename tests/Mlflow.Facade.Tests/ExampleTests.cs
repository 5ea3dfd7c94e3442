using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions.Serialization;
using Mlflow.TestSupport;

namespace Mlflow.Facade.Tests;

/// <summary>The generated <c>Example()</c> factories return exactly the spec's example values.</summary>
public sealed class ExampleTests
{
    private static readonly Assembly Client = typeof(MlflowClient).Assembly;

    private static List<string> Names() =>
        SpecIndex.Load().Spec["components"]!["schemas"]!.AsObject().Where(p => p.Value!["example"] is JsonObject).Select(p => p.Key).ToList();

    public static TheoryData<string> SchemasWithObjectExamples() => new(Names());

    [Theory]
    [MemberData(nameof(SchemasWithObjectExamples))]
    public void Example_equals_the_spec_example(string schema)
    {
        var type = Client.GetType("Mlflow.Client.Models." + schema);
        Assert.NotNull(type);
        var factory = type!.GetMethod("Example", BindingFlags.Public | BindingFlags.Static);
        Assert.NotNull(factory);
        var value = (IParsable)factory!.Invoke(null, null)!;
        var expected = SpecIndex.Load().Spec["components"]!["schemas"]![schema]!["example"];
        var actual = KiotaJson.Write(value);
        // Members the example sets to null are not written by Kiota models (null = absent).
        Assert.True(JsonSemantics.EqualNullAsAbsent(expected, actual), schema + ": " + actual?.ToJsonString() + " != " + expected?.ToJsonString());
        Assert.NotSame(value, factory.Invoke(null, null));
    }

    [Fact]
    public void Every_object_schema_with_an_example_has_a_factory_and_no_other_model_has_one()
    {
        var expected = Names().Order(StringComparer.Ordinal).ToList();
        var actual = Client.GetTypes()
            .Where(t => t.Namespace == "Mlflow.Client.Models" && t.GetMethod("Example", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes) != null)
            .Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.True(expected.Count >= 40);
    }
}
