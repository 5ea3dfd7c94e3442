using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Mlflow.Generators;

namespace Mlflow.Facade.Tests.Generator;

/// <summary>
/// Runs the generators on small specs in memory and compiles user code against the output: a <c>Match</c> that
/// handles every event compiles; once the spec gains an event, the same call no longer compiles.
/// </summary>
public sealed class UnionExhaustivenessTests
{
    private const string UserCode = """
        using Mlflow.Webhooks;

        public static class UserCode
        {
            public static string Describe(WebhookPayload payload) =>
                payload.Match(widgetCreated: w => "widget " + w.Data.Name, gadgetDeleted: g => "gadget " + g.Data.Name);
        }
        """;

    private const string UserCodeWithThirdHandler = """
        using Mlflow.Webhooks;

        public static class UserCode
        {
            public static string Describe(WebhookPayload payload) =>
                payload.Match(widgetCreated: w => "widget", gadgetDeleted: g => "gadget", gizmoSet: z => "gizmo " + z.Data.Name);
        }
        """;

    [Fact]
    public void Match_over_every_event_compiles()
    {
        var (generatorDiagnostics, compileDiagnostics) = Run(Spec("widget.created", "gadget.deleted"), UserCode);
        Assert.Empty(generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Empty(compileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Adding_an_event_to_the_spec_makes_a_Match_without_it_fail_to_compile()
    {
        var (generatorDiagnostics, compileDiagnostics) = Run(Spec("widget.created", "gadget.deleted", "gizmo.set"), UserCode);
        Assert.Empty(generatorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var errors = compileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var missing = Assert.Single(errors);
        Assert.Equal("CS7036", missing.Id); // no argument for the required parameter gizmoSet
        Assert.Contains("gizmoSet", missing.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("user.cs", missing.Location.SourceTree?.FilePath);

        var (_, fixedDiagnostics) = Run(Spec("widget.created", "gadget.deleted", "gizmo.set"), UserCodeWithThirdHandler);
        Assert.Empty(fixedDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Editing_one_example_regenerates_only_that_payload_type_and_leaves_the_union_cached()
    {
        var before = new InMemoryText("probe.openapi.json", Spec("widget.created", "gadget.deleted"));
        var after = new InMemoryText("probe.openapi.json", Spec("widget.created", "gadget.deleted").Replace("example-widget", "example-widget-2"));
        var compilation = CSharpCompilation.Create("Probe", options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new MlflowExtrasGenerator().AsSourceGenerator() },
            new AdditionalText[] { before },
            new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGenerators(compilation);
        driver = driver.ReplaceAdditionalText(before, after).RunGenerators(compilation);
        var steps = driver.GetRunResult().Results[0].TrackedSteps;

        var payloads = steps[MlflowExtrasGenerator.TrackingNames.WebhookPayloads].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(1, payloads.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, payloads.Count(r => r == IncrementalStepRunReason.Unchanged));
        Assert.All(steps[MlflowExtrasGenerator.TrackingNames.Union].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Unchanged, o.Reason));
        var generated = driver.GetRunResult().Results[0].GeneratedSources.Single(g => g.HintName.EndsWith("WidgetCreatedPayload.g.cs", StringComparison.Ordinal));
        Assert.Contains("example-widget-2", generated.SourceText.ToString());
    }

    private static string Spec(params string[] events)
    {
        var schemas = new List<string>();
        var hooks = new List<string>();
        foreach (var key in events)
        {
            var (entity, action) = (key.Split('.')[0], key.Split('.')[1]);
            var payload = char.ToUpperInvariant(entity[0]) + entity[1..] + char.ToUpperInvariant(action[0]) + action[1..] + "Payload";
            schemas.Add($$"""
                "{{payload}}": { "type": "object", "required": ["name"], "properties": { "name": { "type": "string" } }, "example": { "name": "example-{{entity}}" } }
                """);
            hooks.Add($$"""
                "{{key}}": { "post": {
                  "operationId": "webhook{{payload}}", "summary": "{{key}}",
                  "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["entity", "action", "timestamp", "data"],
                    "properties": {
                      "entity": { "type": "string", "const": "{{entity}}" }, "action": { "type": "string", "const": "{{action}}" },
                      "timestamp": { "type": "string", "format": "date-time" }, "data": { "$ref": "#/components/schemas/{{payload}}" },
                      "workspace": { "type": "string" } } } } } },
                  "responses": { "2XX": { "description": "ok" } },
                  "x-mlflow-entity": "{{entity}}", "x-mlflow-action": "{{action}}" } }
                """);
        }

        return $$"""
            { "openapi": "3.1.0", "info": { "title": "t", "version": "1" }, "paths": {},
              "components": { "schemas": { {{string.Join(",", schemas)}} } },
              "webhooks": { {{string.Join(",", hooks)}} } }
            """;
    }

    // The fixed webhook runtime the generated union calls (src/Mlflow.Webhooks/Payloads), copied next to the tests by the project file.
    private static readonly SyntaxTree[] RuntimeTrees = Directory
        .GetFiles(Path.Combine(AppContext.BaseDirectory, "WebhookRuntime"), "*.cs", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => CSharpSyntaxTree.ParseText(File.ReadAllText(p), new CSharpParseOptions(LanguageVersion.Latest), path: p))
        // Mlflow.Webhooks compiles with the SDK's implicit usings; so do its sources here.
        .Append(CSharpSyntaxTree.ParseText("global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", new CSharpParseOptions(LanguageVersion.Latest), path: "ImplicitUsings.cs"))
        .ToArray();

    private static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compile) Run(string spec, string userCode)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Microsoft.Kiota.*.dll"))
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "Std.UriTemplate.dll"))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "UnionProbe",
            RuntimeTrees.Append(CSharpSyntaxTree.ParseText(userCode, new CSharpParseOptions(LanguageVersion.Latest), path: "user.cs")),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        // As in Mlflow.Webhooks: the generator's webhook surface.
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new MlflowClientGenerator().AsSourceGenerator() },
            new AdditionalText[] { new InMemoryText("probe.openapi.json", spec) },
            new CSharpParseOptions(LanguageVersion.Latest),
            new WebhookSurfaceOptions());
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return (generatorDiagnostics, output.GetDiagnostics());
    }

    /// <summary>The MSBuild property Mlflow.Webhooks sets: <c>MlflowGeneratedSurface=Webhooks</c>.</summary>
    private sealed class WebhookSurfaceOptions : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options();

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Options : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = key == "build_property.MlflowGeneratedSurface" ? "Webhooks" : null;
                return value != null;
            }
        }
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
