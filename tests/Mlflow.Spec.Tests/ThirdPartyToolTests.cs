using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Mlflow.TestSupport;
using NSwag.CodeGeneration.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Mlflow.Spec.Tests;

/// <summary>
/// Tools other people use accept the spec: Spectral with its OpenAPI ruleset (zero errors),
/// openapi-examples-validator on every example, and NSwag's C# client generator (its output compiles). The npm
/// tools are installed from tools/openapi-lint (package.json + package-lock.json) by <c>npm ci</c>, once per
/// change of the lock file.
/// </summary>
public sealed class ThirdPartyToolTests(ITestOutputHelper output)
{
    private static readonly string ToolFolder = Path.Combine(TestPaths.RepoRoot, "tools", "openapi-lint");
    private static readonly Lazy<Task> Installed = new(InstallAsync);

    [Fact]
    public async Task Spectral_with_the_OpenAPI_ruleset_finds_no_error()
    {
        await Installed.Value;
        var (code, stdout, stderr) = await RunAsync(Bin("spectral"), "lint", "--ruleset", Path.Combine(ToolFolder, ".spectral.json"), "--format", "json", "--quiet", "--fail-severity", "error", TestPaths.Spec);
        var start = stdout.IndexOf('[', StringComparison.Ordinal);
        Assert.True(start >= 0, $"no JSON report (exit {code}):\n{stdout}\n{stderr}");
        var findings = JsonNode.Parse(stdout[start..])!.AsArray();
        var errors = findings.Where(f => (int)f!["severity"]! == 0).Select(f => $"{f!["code"]} at {string.Join(".", f["path"]!.AsArray())}: {f["message"]}").ToList();
        output.WriteLine($"Spectral: {errors.Count} errors, {findings.Count - errors.Count} warnings/hints ({string.Join(", ", findings.Where(f => (int)f!["severity"]! != 0).GroupBy(f => (string)f!["code"]!).Select(g => g.Key + " " + g.Count()))})");
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(30)));
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task Openapi_examples_validator_accepts_every_example()
    {
        await Installed.Value;
        var spec = SpecIndex.Load().Spec;
        var (document, count) = ExamplesDocument(spec);
        Assert.True(count >= 40, $"only {count} examples");
        var work = Directory.CreateTempSubdirectory("oev-");
        try
        {
            var file = Path.Combine(work.FullName, "examples.openapi.json");
            await File.WriteAllTextAsync(file, document.ToJsonString());
            var (code, stdout, stderr) = await RunAsync(Bin("openapi-examples-validator"), file);
            output.WriteLine(stdout);
            Assert.True(code == 0, $"exit {code}\n{stdout}\n{stderr}");
            Assert.Contains($"Total examples found: {count}", stdout, StringComparison.Ordinal);

            // The tool does reject an example that does not fit (so the pass above means something).
            var broken = document.DeepClone().AsObject();
            var first = broken["paths"]!.AsObject().First().Value!["get"]!["responses"]!["200"]!["content"]!["application/json"]!.AsObject();
            first["example"] = new JsonArray(1, 2, 3);
            await File.WriteAllTextAsync(file, broken.ToJsonString());
            (code, _, _) = await RunAsync(Bin("openapi-examples-validator"), file);
            Assert.Equal(1, code);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task NSwag_generates_a_csharp_client_from_the_spec_that_compiles()
    {
        var watch = Stopwatch.StartNew();
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await File.ReadAllTextAsync(TestPaths.Spec));
        Assert.Equal(SpecIndex.Load().Operations.Count, document.Operations.Count());
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "MlflowNswagClient",
            OperationNameGenerator = new NSwag.CodeGeneration.OperationNameGenerators.SingleClientFromOperationIdOperationNameGenerator(),
        };
        settings.CSharpGeneratorSettings.Namespace = "NswagSmoke";
        settings.CSharpGeneratorSettings.JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson;
        var code = new CSharpClientGenerator(document, settings).GenerateFile();
        var generated = watch.ElapsedMilliseconds;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("NswagSmoke", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe);
        output.WriteLine($"NSwag: {code.Length / 1024} KiB of C# generated in {generated} ms, compiled in {watch.ElapsedMilliseconds - generated} ms");
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        Assert.Contains("System.Threading.Tasks.Task<CreateExperimentResponse> CreateExperimentAsync(", code, StringComparison.Ordinal);
    }

    /// <summary>
    /// openapi-examples-validator reads media-type examples of operations (not schema-level ones) and walks the
    /// dereferenced document, so each schema example is handed to it as the example of a response whose schema is
    /// that component; the components are the ones those examples reach, unchanged.
    /// </summary>
    internal static (JsonObject Document, int Count) ExamplesDocument(JsonObject spec)
    {
        var schemas = spec["components"]!["schemas"]!.AsObject();
        var paths = new JsonObject();
        var needed = new SortedSet<string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var (name, schema) in schemas)
        {
            if (schema!["example"] is not JsonNode example) continue;
            count++;
            Reach(name);
            paths["/examples/" + name] = new JsonObject
            {
                ["get"] = new JsonObject
                {
                    ["operationId"] = "example" + name,
                    ["responses"] = new JsonObject
                    {
                        ["200"] = new JsonObject
                        {
                            ["description"] = "The example of " + name + ".",
                            ["content"] = new JsonObject
                            {
                                ["application/json"] = new JsonObject
                                {
                                    ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + name },
                                    ["example"] = example.DeepClone(),
                                },
                            },
                        },
                    },
                },
            };
        }
        void Reach(string name)
        {
            if (!needed.Add(name)) return;
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(schemas[name]!.ToJsonString(), "#/components/schemas/([A-Za-z0-9_]+)"))
                Reach(m.Groups[1].Value);
        }
        var components = new JsonObject();
        foreach (var name in needed) components[name] = schemas[name]!.DeepClone();
        var document = new JsonObject
        {
            ["openapi"] = spec["openapi"]!.DeepClone(),
            ["info"] = spec["info"]!.DeepClone(),
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = components },
        };
        return (document, count);
    }

    private static string Bin(string tool) => Path.Combine(ToolFolder, "node_modules", ".bin", tool);

    private static async Task InstallAsync()
    {
        var lockFile = Path.Combine(ToolFolder, "package-lock.json");
        var hash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(lockFile)));
        var marker = Path.Combine(ToolFolder, "node_modules", ".installed-from-lock");
        if (File.Exists(marker) && (await File.ReadAllTextAsync(marker)).Trim() == hash) return;
        var (code, stdout, stderr) = await RunAsync("npm", "ci", "--no-audit", "--no-fund");
        if (code != 0) throw new InvalidOperationException($"npm ci in {ToolFolder} failed ({code}):\n{stdout}\n{stderr}");
        await File.WriteAllTextAsync(marker, hash);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = ToolFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + file);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
