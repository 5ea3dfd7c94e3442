using Microsoft.CodeAnalysis;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>A spec the generator cannot handle gives an MLFG error naming the file and the JSON pointer; never a crash.</summary>
public sealed class DiagnosticTests
{
    private const string Head = """{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, """;

    [Fact]
    public void Invalid_json_reports_the_line_and_column()
    {
        var result = GeneratorHarness.Run("{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {,}\n}");
        var d = Assert.Single(result.Errors);
        Assert.Equal("MLFG001", d.Id);
        Assert.Contains(GeneratorHarness.SpecPath, d.GetMessage(), StringComparison.Ordinal);
        Assert.Equal(2, d.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void Unresolved_reference_names_the_pointer()
    {
        var result = GeneratorHarness.Run(Head + """
            "paths": {}, "components": {"schemas": {"Run": {"type": "object", "properties": {"info": {"$ref": "#/components/schemas/Missing"}}}}}}
            """);
        var d = Assert.Single(result.Errors);
        Assert.Equal("MLFG003", d.Id);
        Assert.Contains(GeneratorHarness.SpecPath + ": #/components/schemas/Run/properties/info/$ref: cannot resolve schema reference '#/components/schemas/Missing'", d.GetMessage(), StringComparison.Ordinal);
        // The rest still compiles: the property falls back to UntypedNode.
        Assert.Empty(result.CompileDiagnostics);
    }

    [Fact]
    public void Operation_without_id_is_reported()
    {
        var result = GeneratorHarness.Run(Head + """
            "paths": {"/api/x": {"get": {"responses": {"200": {"description": "ok"}}}}}}
            """);
        var d = Assert.Single(result.Errors);
        Assert.Equal("MLFG004", d.Id);
        Assert.Contains("#/paths/~1api~1x/get", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_operation_ids_are_reported()
    {
        var result = GeneratorHarness.Run(Head + """
            "paths": {"/a": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}, "/b": {"get": {"operationId": "x", "responses": {"200": {"description": "ok"}}}}}}
            """);
        var d = Assert.Single(result.Errors);
        Assert.Equal("MLFG005", d.Id);
        // Located at the second operation (line 1 of the one-line spec, at its column), not at the file's start.
        Assert.True(d.Location.GetLineSpan().StartLinePosition.Character > 100, d.Location.ToString());
    }

    [Fact]
    public void Object_query_parameters_are_reported()
    {
        var result = GeneratorHarness.Run(Head + """
            "paths": {"/a": {"get": {"operationId": "a", "parameters": [{"name": "filter", "in": "query", "schema": {"type": "object", "properties": {"x": {"type": "string"}}}}], "responses": {"200": {"description": "ok"}}}}}}
            """);
        var d = Assert.Single(result.Errors);
        Assert.Equal("MLFG006", d.Id);
        Assert.Contains("#/paths/~1a/get/parameters/0", d.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Primitive_json_bodies_are_reported()
    {
        var result = GeneratorHarness.Run(Head + """
            "paths": {"/a": {"post": {"operationId": "a", "requestBody": {"content": {"application/json": {"schema": {"type": "string"}}}}, "responses": {"200": {"description": "ok"}}}}}}
            """);
        Assert.Equal("MLFG007", Assert.Single(result.Errors).Id);
    }

    [Theory]
    [InlineData("""{"swagger": "2.0"}""", "MLFG002")]
    [InlineData("""[1, 2]""", "MLFG002")]
    [InlineData("""{"openapi": "3.1.0", "components": {"schemas": {"X": {"type": "string", "enum": [1, 2]}}}}""", "MLFG002")]
    [InlineData("""{"openapi": "3.1.0", "components": {"schemas": {"X": {"type": "tuple"}}}}""", "MLFG002")]
    [InlineData("""{"openapi": "3.1.0", "paths": {"/a": {"get": {"operationId": "a", "responses": {"default": {"$ref": "#/components/responses/Nope"}}}}}}""", "MLFG003")]
    public void Unsupported_constructs_are_errors_not_crashes(string spec, string id)
    {
        var result = GeneratorHarness.Run(spec);
        Assert.Contains(result.Errors, d => d.Id == id);
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.Id == "MLFG099" || d.Id.StartsWith("CS", StringComparison.Ordinal));
    }

    [Fact]
    public void Diagnostics_are_located_in_the_spec_file()
    {
        var result = GeneratorHarness.Run("{\n\"openapi\": \"3.1.0\",\n\"components\": {\"schemas\": {\n  \"X\": {\"type\": \"tuple\"}}}}");
        var d = Assert.Single(result.Errors);
        Assert.Equal(GeneratorHarness.SpecPath, d.Location.GetLineSpan().Path);
        Assert.Equal(3, d.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void Planner_diagnostics_are_located_at_the_node_they_are_about()
    {
        // Line numbers are 0-based in Roslyn's spans: the parameter object is on line 5, the body on line 8.
        var result = GeneratorHarness.Run(Head + "\n\"paths\": {\n  \"/a\": {\"post\": {\"operationId\": \"a\",\n    \"parameters\": [\n      {\"name\": \"q\", \"in\": \"query\", \"schema\": {\"type\": \"object\", \"properties\": {\"x\": {\"type\": \"string\"}}}}],\n    \"responses\": {\"200\": {\"description\": \"ok\"}},\n    \"requestBody\":\n      {\"content\": {\"application/json\": {\"schema\": {\"type\": \"string\"}}}}\n  }}}}");
        var parameter = Assert.Single(result.Errors, d => d.GetMessage().Contains("query parameter 'q'", StringComparison.Ordinal));
        Assert.Equal(4, parameter.Location.GetLineSpan().StartLinePosition.Line);
        var body = Assert.Single(result.Errors, d => d.GetMessage().Contains("JSON request body", StringComparison.Ordinal));
        Assert.Equal(7, body.Location.GetLineSpan().StartLinePosition.Line);
    }
}
