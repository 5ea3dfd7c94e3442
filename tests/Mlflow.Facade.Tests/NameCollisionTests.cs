using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Mlflow.Facade.Tests;

/// <summary>
/// The types a user names in ordinary code (the client, entities, enums, the pageable type, artifact and webhook types)
/// compile without aliases in a project with .NET's implicit usings (console and web SDKs, plus System.Diagnostics and
/// System.Text.Json, which most apps import), with every SDK namespace imported at once.
/// </summary>
public sealed class NameCollisionTests
{
    /// <summary>The SDK namespaces users import (see the README's namespace table).</summary>
    internal static readonly string[] SdkNamespaces = ["Mlflow", "Mlflow.Client.Models", "Mlflow.Artifacts", "Mlflow.Webhooks", "Mlflow.Tracing"];

    /// <summary>Implicit usings of Microsoft.NET.Sdk, Microsoft.NET.Sdk.Web and Microsoft.NET.Sdk.Worker, plus two common imports.</summary>
    private static readonly string[] FrameworkNamespaces =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging", "System.Diagnostics", "System.Text.Json",
    ];

    [Fact]
    public void Every_public_type_of_the_user_namespaces_compiles_unqualified()
    {
        var types = new[] { typeof(MlflowClient).Assembly, typeof(Mlflow.Testing.MlflowTestServer).Assembly, typeof(Mlflow.Tracing.MlflowTracing).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested && SdkNamespaces.Contains(t.Namespace))
            .ToList();
        Assert.True(types.Count > 500, "only " + types.Count + " types found");

        var uses = types.Select(t => "_ = typeof(" + t.Name.Split('`')[0] + (t.IsGenericTypeDefinition ? "<" + new string(',', t.GetGenericArguments().Length - 1) + ">" : "") + ");");
        var source = string.Concat(FrameworkNamespaces.Concat(SdkNamespaces).Select(n => "using " + n + ";\n"))
            + "namespace UserCode { internal static class Probe { internal static void Names() {\n" + string.Join("\n", uses) + "\n} } }\n";

        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("NameProbe", [CSharpSyntaxTree.ParseText(source)], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var ambiguous = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.GetMessage()).ToList();
        Assert.True(ambiguous.Count == 0, string.Join("\n", ambiguous.Take(20)));
    }
}
