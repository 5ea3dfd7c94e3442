using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// The reviewed facade description as an input of the pipeline: its entries shape the methods, a wrong entry is an
/// error at its line and column, an operation without an entry gets a fallback method and an info diagnostic, an older
/// spec turns absent operations into infos, and the facade steps are cached independently of the Kiota steps.
/// </summary>
public sealed class FacadeDescriptionTests
{
    private const string DescriptionPath = "/repo/spec/facade/test.facade.json";

    private const string Spec = """
        {
          "openapi": "3.1.0",
          "info": { "title": "facade test", "version": "3.11" },
          "paths": {
            "/api/2.0/mlflow/runs/log-parameter": {
              "post": {
                "operationId": "logParam",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LogParam" } } } },
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Empty" } } } } }
              }
            },
            "/api/2.0/mlflow/runs/get": {
              "get": {
                "operationId": "getRun",
                "parameters": [
                  { "name": "run_id", "in": "query", "schema": { "type": "string" } },
                  { "name": "run_uuid", "in": "query", "deprecated": true, "schema": { "type": "string" } }
                ],
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/GetRunResponse" } } } } }
              }
            },
            "/api/2.0/mlflow/runs/delete": {
              "post": {
                "operationId": "deleteRun",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/DeleteRun" } } } },
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Empty" } } } } }
              }
            }
          },
          "components": {
            "schemas": {
              "LogParam": { "type": "object", "required": ["key", "value"], "properties": { "run_id": { "type": "string" }, "run_uuid": { "type": "string", "deprecated": true }, "key": { "type": "string" }, "value": { "type": "string" } } },
              "DeleteRun": { "type": "object", "required": ["run_id"], "properties": { "run_id": { "type": "string" } } },
              "Run": { "type": "object", "properties": { "run_id": { "type": "string" }, "tags": { "type": "array", "items": { "type": "string" } } }, "x-mlflow-always-written": ["run_id"] },
              "GetRunResponse": { "type": "object", "properties": { "run": { "$ref": "#/components/schemas/Run" } }, "x-mlflow-always-written": ["run"] },
              "Empty": { "type": "object", "properties": {} }
            }
          }
        }
        """;

    private const string Description = """
        {
          "reviewedAgainst": "3.11",
          "methods": [
            { "operation": "logParam", "name": "LogParam", "params": ["run_id", "key", "value"], "hide": ["run_uuid"] },
            { "operation": "getRun", "name": "GetRun", "params": ["run_id"], "hide": ["run_uuid"], "returns": "run" },
            { "operation": "getRun", "name": "TryGetRun", "params": ["run_id"], "hide": ["run_uuid"], "returns": "run", "notFound": "null" }
          ],
          "docs": { "logParam": { "summary": "Logs a param.", "params": { "key": "The param name." } } },
          "glossary": { "run_id": "The run id." }
        }
        """;

    private static GeneratorHarness.Result Run(string spec, string description, string? facadeClient = "Mlflow.MlflowClient")
    {
        var compilation = GeneratorHarness.NewCompilation("namespace Consumer { internal static class Placeholder { } }");
        var driver = Driver(facadeClient, new GeneratorHarness.InMemoryText(GeneratorHarness.SpecPath, spec), new GeneratorHarness.InMemoryText(DescriptionPath, description));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var files = driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        return new GeneratorHarness.Result(files, diagnostics.ToList(), [], output);
    }

    private static GeneratorDriver Driver(string? facadeClient, params AdditionalText[] texts) =>
        CSharpGeneratorDriverFactory.Create(facadeClient, texts);

    [Fact]
    public void Entries_give_the_reviewed_signatures_and_docs()
    {
        var result = Run(Spec, Description);
        Assert.Empty(result.Errors);
        var runs = result.File("Mlflow.MlflowClient.Default.g.cs");
        Assert.Contains("LogParamAsync(string runId, string key, string value, global::System.Threading.CancellationToken cancellationToken = default)", runs, StringComparison.Ordinal);
        Assert.Contains("GetRunAsync(string runId, global::System.Threading.CancellationToken cancellationToken = default)", runs, StringComparison.Ordinal);
        Assert.Contains("Task<global::Mlflow.Client.Models.Run?> TryGetRunAsync(string runId", runs, StringComparison.Ordinal);
        Assert.DoesNotContain("runUuid", runs, StringComparison.Ordinal);
        Assert.Contains("/// Logs a param.", runs, StringComparison.Ordinal);
        Assert.Contains("<param name=\"key\">The param name.</param>", runs, StringComparison.Ordinal);
        Assert.Contains("<param name=\"runId\">The run id.</param>", runs, StringComparison.Ordinal);
        Assert.Contains("ThrowIfNullOrEmpty(runId)", runs, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operation_without_entry_gets_a_fallback_method_and_an_info()
    {
        var result = Run(Spec, Description);
        var info = Assert.Single(result.GeneratorDiagnostics, d => d.Id == "MLFG210");
        Assert.Equal(DiagnosticSeverity.Info, info.Severity);
        Assert.Contains("deleteRun", info.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("DeleteRunAsync(string runId", result.File("Mlflow.MlflowClient.Default.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_naming_an_unknown_operation_is_an_error_at_its_position()
    {
        var description = Description.Replace("\"operation\": \"getRun\", \"name\": \"GetRun\"", "\"operation\": \"getRunz\", \"name\": \"GetRun\"", StringComparison.Ordinal);
        var error = Assert.Single(Run(Spec, description).Errors);
        Assert.Equal("MLFG201", error.Id);
        Assert.Equal(DescriptionPath, error.Location.GetLineSpan().Path);
        Assert.Equal(5, error.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Contains("getRunz", error.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_a_bad_default_and_a_forgotten_required_field_are_errors()
    {
        var description = Description
            .Replace("\"params\": [\"run_id\", \"key\", \"value\"], \"hide\": [\"run_uuid\"]", "\"params\": [\"run_id\", \"key\", \"valu\"], \"hide\": [\"run_uuid\"]", StringComparison.Ordinal)
            .Replace("{ \"operation\": \"getRun\", \"name\": \"GetRun\", \"params\": [\"run_id\"]", "{ \"operation\": \"getRun\", \"name\": \"GetRun\", \"params\": [\"run_id?=$now\"]", StringComparison.Ordinal);
        var errors = Run(Spec, description).Errors.ToList();
        Assert.Contains(errors, e => e.Id == "MLFG202" && e.GetMessage().Contains("'valu'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "MLFG202" && e.GetMessage().Contains("neither lists nor hides the required field 'value'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Id == "MLFG202" && e.GetMessage().Contains("$now", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_methods_with_one_name_are_an_error()
    {
        var description = Description.Replace("\"name\": \"TryGetRun\"", "\"name\": \"GetRun\"", StringComparison.Ordinal);
        Assert.Contains(Run(Spec, description).Errors, e => e.Id == "MLFG203");
    }

    [Fact]
    public void Malformed_json_is_an_error_with_its_position()
    {
        var error = Assert.Single(Run(Spec, "{ \"methods\": [ }").Errors);
        Assert.Equal("MLFG200", error.Id);
        Assert.Equal(DescriptionPath, error.Location.GetLineSpan().Path);
    }

    [Fact]
    public void Against_an_older_spec_absent_operations_and_fields_are_skipped_with_an_info()
    {
        var older = Spec.Replace("\"version\": \"3.11\"", "\"version\": \"2.9\"", StringComparison.Ordinal)
            .Replace("\"run_uuid\": { \"type\": \"string\", \"deprecated\": true }, ", "", StringComparison.Ordinal);
        var description = Description.Replace("\"operation\": \"getRun\", \"name\": \"GetRun\"", "\"operation\": \"getRunz\", \"name\": \"GetRun\"", StringComparison.Ordinal);
        var result = Run(older, description);
        Assert.Empty(result.Errors);
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "MLFG211" && d.GetMessage().Contains("getRunz", StringComparison.Ordinal));
        Assert.Contains(result.GeneratorDiagnostics, d => d.Id == "MLFG211" && d.GetMessage().Contains("run_uuid", StringComparison.Ordinal));
    }

    [Fact]
    public void The_spec_of_an_older_mlflow_goes_through_the_real_description_without_errors()
    {
        var spec = File.ReadAllText(RepoPaths.SmallSpec("mlflow-1x-style.openapi.json"));
        var compilation = GeneratorHarness.NewCompilation("namespace Consumer { internal static class Placeholder { } }");
        var texts = new List<AdditionalText> { new GeneratorHarness.InMemoryText(GeneratorHarness.SpecPath, spec) };
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "spec", "facade"), "*.facade.json"))
        {
            texts.Add(new GeneratorHarness.InMemoryText(file, File.ReadAllText(file)));
        }

        CSharpGeneratorDriverFactory.Create("Mlflow.MlflowClient", texts.ToArray()).RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        Assert.Empty(diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains(diagnostics, d => d.Id == "MLFG211");
    }

    [Fact]
    public void A_description_edit_reruns_the_facade_only_and_an_unrelated_edit_caches_everything()
    {
        var compilation = GeneratorHarness.NewCompilation("namespace Consumer { internal static class Placeholder { } }");
        var spec = new GeneratorHarness.InMemoryText(GeneratorHarness.SpecPath, Spec);
        var description = new GeneratorHarness.InMemoryText(DescriptionPath, Description);
        var driver = Driver("Mlflow.MlflowClient", spec, description).RunGenerators(compilation);

        // Unrelated: another additional file and a source edit.
        driver = driver.AddAdditionalTexts([new GeneratorHarness.InMemoryText("/repo/notes.txt", "hello")]).RunGenerators(compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class B { }", GeneratorHarness.ParseOptions)));
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in new[] { "Plan", "Models", "Builders", "FacadeDescription", "Facade", "FacadeFiles", "FacadeSupport" })
        {
            Assert.All(steps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, name + " was " + o.Reason));
        }

        // A docs edit: the description and the facade are modified, the Kiota steps are untouched.
        var edited = new GeneratorHarness.InMemoryText(DescriptionPath, Description.Replace("Logs a param.", "Logs one param.", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(description, edited).RunGenerators(compilation);
        steps = driver.GetRunResult().Results.Single().TrackedSteps;
        Assert.Contains(steps["FacadeDescription"].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(steps["FacadeFiles"].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        foreach (var name in new[] { "Plan", "Models", "Builders" })
        {
            Assert.All(steps[name].SelectMany(s => s.Outputs), o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, name + " was " + o.Reason));
        }
    }

    [Fact]
    public void Non_nullable_properties_follow_required_always_written_and_collections()
    {
        var run = Run(Spec, Description).File("Mlflow.Client.Models.Run.g.cs");
        Assert.Contains("public string RunId { get => Mlflow_RunId ?? throw new global::Mlflow.Client.Serialization.MlflowMissingFieldException(\"Run\", \"run_id\");", run, StringComparison.Ordinal);
        Assert.Contains("public global::System.Collections.Generic.List<string> Tags { get => Mlflow_Tags ??= new", run, StringComparison.Ordinal);
        var logParam = Run(Spec, Description).File("Mlflow.Client.Models.LogParam.g.cs");
        Assert.Contains("public string? RunId { get; set; }", logParam, StringComparison.Ordinal);
        Assert.Contains("public string Key { get =>", logParam, StringComparison.Ordinal);
    }
}

/// <summary>Creates the generator driver with the facade's MSBuild property set.</summary>
internal static class CSharpGeneratorDriverFactory
{
    public static GeneratorDriver Create(string? facadeClient, params AdditionalText[] texts) =>
        Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(
            [new MlflowClientGenerator().AsSourceGenerator()],
            texts,
            GeneratorHarness.ParseOptions,
            new Options(facadeClient),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private sealed class Options(string? facadeClient) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(facadeClient is null ? ImmutableDictionary<string, string>.Empty : ImmutableDictionary<string, string>.Empty.Add("build_property.MlflowFacadeClient", facadeClient));

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Values(ImmutableDictionary<string, string>.Empty);
    }

    private sealed class Values(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
