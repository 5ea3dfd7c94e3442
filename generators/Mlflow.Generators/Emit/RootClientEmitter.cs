using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>Writes the root Kiota client: the entry point of the request builder tree, registering the serializers.</summary>
    internal static class RootClientEmitter
    {
        public static string HintName(RootPlan r) => r.Builder.Namespace + "." + r.Builder.ClassName + ".g.cs";

        public static string Emit(RootPlan r)
        {
            var b = r.Builder;
            var a = TypeCode.Abstractions;
            var w = new CodeWriter().Header();
            w.Open("namespace " + b.Namespace);
            w.Summary(null, "The main entry point of the Kiota-level client for " + (r.Title.Length > 0 ? r.Title : "the API") + ": one property per first path segment.");
            if (r.WireNotes.Count > 0)
            {
                w.Line("/// <remarks>");
                w.Line("/// Wire conventions of the API (the spec's <c>x-mlflow-wire</c>):");
                w.Line("/// <list type=\"bullet\">");
                foreach (var note in r.WireNotes)
                {
                    w.Line("/// <item><term>" + Identifiers.Xml(note.Topic) + "</term><description>" + Identifiers.Xml(note.Text) + "</description></item>");
                }

                w.Line("/// </list>");
                w.Line("/// </remarks>");
            }

            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public partial class " + b.ClassName + " : " + a + ".BaseRequestBuilder");
            RequestBuilderEmitter.WriteMembers(w, b);
            if (b.Children.Count > 0)
            {
                w.Line();
            }

            w.Line("/// <summary>Instantiates a new <see cref=\"" + b.ClassName + "\"/> and sets the default values.</summary>");
            w.Line("/// <param name=\"requestAdapter\">The request adapter to use to execute the requests; its BaseUrl is the tracking URI.</param>");
            w.Open("public " + b.ClassName + "(" + a + ".IRequestAdapter requestAdapter) : base(requestAdapter, \"{+baseurl}\", new " + TypeCode.Generic + ".Dictionary<string, object>())");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Json.JsonSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Text.TextSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Form.FormSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultSerializer<global::Microsoft.Kiota.Serialization.Multipart.MultipartSerializationWriterFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Json.JsonParseNodeFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Text.TextParseNodeFactory>();");
            w.Line(a + ".ApiClientBuilder.RegisterDefaultDeserializer<global::Microsoft.Kiota.Serialization.Form.FormParseNodeFactory>();");
            if (r.DefaultBaseUrl != null)
            {
                w.Open("if (string.IsNullOrEmpty(RequestAdapter.BaseUrl))");
                w.Line("RequestAdapter.BaseUrl = " + Identifiers.Literal(r.DefaultBaseUrl) + ";");
                w.Close();
            }

            w.Line("PathParameters.TryAdd(\"baseurl\", RequestAdapter.BaseUrl ?? string.Empty);");
            w.Close();
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
