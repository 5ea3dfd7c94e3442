using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Mlflow.Generators.Emit;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;
using Mlflow.Generators.Parser;

namespace Mlflow.Generators
{
    /// <summary>
    /// Turns an OpenAPI spec (an AdditionalFiles item named *.openapi.json) into a Kiota-runtime client.
    /// This file only wires the steps: parsing is in <see cref="SpecParser"/>, text is written by the emitters.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class MlflowClientGenerator : IIncrementalGenerator
    {
        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var options = context.AnalyzerConfigOptionsProvider
                .Select(static (provider, _) =>
                {
                    provider.GlobalOptions.TryGetValue("build_property.MlflowApiNamespace", out var ns);
                    provider.GlobalOptions.TryGetValue("build_property.MlflowApiClientName", out var client);
                    return new GeneratorOptions(
                        string.IsNullOrWhiteSpace(ns) ? "Mlflow.Api" : ns!.Trim(),
                        string.IsNullOrWhiteSpace(client) ? "MlflowApiClient" : client!.Trim());
                })
                .WithTrackingName(TrackingNames.Options);

            var specTexts = context.AdditionalTextsProvider
                .Where(static text => text.Path.EndsWith(".openapi.json", StringComparison.OrdinalIgnoreCase))
                .Select(static (text, ct) => new SpecText(text.Path, text.GetText(ct)?.ToString() ?? ""))
                .WithTrackingName(TrackingNames.SpecText);

            // One spec per compilation: the first by path; any other is reported.
            var spec = specTexts
                .Collect()
                .Select(static (texts, ct) =>
                {
                    if (texts.IsEmpty)
                    {
                        return null;
                    }

                    var ordered = texts.OrderBy(t => t.Path, StringComparer.Ordinal).ToList();
                    var model = SpecParser.Parse(ordered[0].Path, ordered[0].Text, ct);
                    if (ordered.Count > 1)
                    {
                        var extra = ordered.Skip(1).Select(t => new DiagnosticInfo(DiagnosticIds.Unsupported, t.Path, "#", "only one *.openapi.json file per project is read; this one is ignored (the spec in use is " + ordered[0].Path + ")", 1, 1));
                        model = model with { Diagnostics = model.Diagnostics.Concat(extra).ToEquatableArray() };
                    }

                    return model;
                })
                .WithTrackingName(TrackingNames.SpecModel);

            var diagnostics = spec
                .Select(static (model, _) => model?.Diagnostics ?? EquatableArray<DiagnosticInfo>.Empty)
                .WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, items) =>
            {
                foreach (var item in items)
                {
                    spc.ReportDiagnostic(Diagnostics.Create(item));
                }
            });

            var models = spec
                .SelectMany(static (model, _) => model?.Models.Items ?? ImmutableArray<ModelClass>.Empty)
                .Combine(options)
                .Select(static (pair, _) => ModelEmitter.EmitModel(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.ModelFiles);
            var enums = spec
                .SelectMany(static (model, _) => model?.Enums.Items ?? ImmutableArray<EnumModel>.Empty)
                .Combine(options)
                .Select(static (pair, _) => ModelEmitter.EmitEnum(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.EnumFiles);
            var builders = spec
                .SelectMany(static (model, _) => model?.Builders.Items ?? ImmutableArray<RequestBuilderModel>.Empty)
                .Combine(options)
                .Select(static (pair, _) => RequestBuilderEmitter.Emit(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.BuilderFiles);
            var client = spec
                .SelectMany(static (model, _) => model == null
                    ? ImmutableArray<ClientEmitter.ClientInput>.Empty
                    : ImmutableArray.Create(new ClientEmitter.ClientInput(model.Title, model.DefaultServerUrl, model.Root)))
                .Combine(options)
                .Select(static (pair, _) => ClientEmitter.EmitClient(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.ClientFile);
            var catalog = spec
                .SelectMany(static (model, _) => model == null
                    ? ImmutableArray<ClientEmitter.CatalogInput>.Empty
                    : ImmutableArray.Create(new ClientEmitter.CatalogInput(model.Builders, model.Root)))
                .Combine(options)
                .Select(static (pair, _) => ClientEmitter.EmitCatalog(pair.Left, pair.Right))
                .WithTrackingName(TrackingNames.CatalogFile);
            var support = spec
                .Select(static (model, _) => model != null)
                .Combine(options)
                .SelectMany(static (pair, _) => pair.Left ? ClientEmitter.EmitSupport(pair.Right).Items : ImmutableArray<GeneratedFile>.Empty)
                .WithTrackingName(TrackingNames.SupportFiles);

            context.RegisterSourceOutput(models, static (spc, file) => Add(spc, file));
            context.RegisterSourceOutput(enums, static (spc, file) => Add(spc, file));
            context.RegisterSourceOutput(builders, static (spc, file) => Add(spc, file));
            context.RegisterSourceOutput(client, static (spc, file) => Add(spc, file));
            context.RegisterSourceOutput(catalog, static (spc, file) => Add(spc, file));
            context.RegisterSourceOutput(support, static (spc, file) => Add(spc, file));
        }

        private static void Add(SourceProductionContext context, GeneratedFile file) =>
            context.AddSource(file.HintName.Replace('/', '.'), SourceText.From(file.Text, System.Text.Encoding.UTF8));

        private sealed record SpecText(string Path, string Text);
    }

    /// <summary>Names of the tracked pipeline steps (asserted by the incrementality tests).</summary>
    public static class TrackingNames
    {
        /// <summary>The MSBuild options.</summary>
        public const string Options = "Options";

        /// <summary>The text of each spec file.</summary>
        public const string SpecText = "SpecText";

        /// <summary>The parsed spec.</summary>
        public const string SpecModel = "SpecModel";

        /// <summary>The spec's diagnostics.</summary>
        public const string Diagnostics = "Diagnostics";

        /// <summary>One file per model.</summary>
        public const string ModelFiles = "ModelFiles";

        /// <summary>One file per enum.</summary>
        public const string EnumFiles = "EnumFiles";

        /// <summary>One file per request builder.</summary>
        public const string BuilderFiles = "BuilderFiles";

        /// <summary>The root client.</summary>
        public const string ClientFile = "ClientFile";

        /// <summary>The operation catalog.</summary>
        public const string CatalogFile = "CatalogFile";

        /// <summary>The fixed support files.</summary>
        public const string SupportFiles = "SupportFiles";
    }

    internal static class Diagnostics
    {
        private static readonly DiagnosticDescriptor InvalidJson = new DiagnosticDescriptor(
            DiagnosticIds.InvalidJson, "The OpenAPI spec is not valid JSON", "{0}", "Mlflow.Generators", DiagnosticSeverity.Error, true);

        private static readonly DiagnosticDescriptor Unsupported = new DiagnosticDescriptor(
            DiagnosticIds.Unsupported, "The OpenAPI spec uses a construct the generator cannot turn into a client", "{0}", "Mlflow.Generators", DiagnosticSeverity.Error, true);

        private static readonly DiagnosticDescriptor UnresolvedReference = new DiagnosticDescriptor(
            DiagnosticIds.UnresolvedReference, "A $ref in the OpenAPI spec cannot be resolved", "{0}", "Mlflow.Generators", DiagnosticSeverity.Error, true);

        public static Diagnostic Create(DiagnosticInfo info)
        {
            var descriptor = info.Id == DiagnosticIds.InvalidJson ? InvalidJson : info.Id == DiagnosticIds.UnresolvedReference ? UnresolvedReference : Unsupported;
            var position = new LinePosition(Math.Max(0, info.Line - 1), Math.Max(0, info.Column - 1));
            var location = Location.Create(info.FilePath, new TextSpan(0, 0), new LinePositionSpan(position, position));
            return Diagnostic.Create(descriptor, location, info.FilePath + ": " + info.Pointer + ": " + info.Message);
        }
    }
}
