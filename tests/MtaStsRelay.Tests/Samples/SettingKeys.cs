using System.Reflection;
using MtaSts;
using MtaStsRelay.Configuration;
using MtaStsRelay.Delivery;
using MtaStsRelay.Delivery.Routing;
using MtaStsRelay.Listener;
using MtaStsRelay.Queue;
using MtaStsRelay.Transport;

namespace MtaStsRelay.Tests.Samples;

/// <summary>
/// Tells whether a configuration key (<c>Relay:Listen:0:Port</c>) is a setting the relay binds, by
/// walking the options classes the way the configuration binder does (case-insensitive property
/// names, list indexes, dictionary keys). Sample files must not invent settings: the binder
/// silently ignores unknown keys, so a typo would look like it works.
/// </summary>
internal static class SettingKeys
{
    // Which options classes bind which section of "Relay" (see the AddRelay* registrations);
    // every other key under "Relay" is bound by ListenerOptions from the section root.
    private static readonly Dictionary<string, Type[]> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Spool"] = [typeof(SpoolOptions)],
        ["Queue"] = [typeof(QueueOptions)],
        ["Dns"] = [typeof(DnsOptions)],
        ["Tls"] = [typeof(TlsOptions)],
        ["MtaSts"] = [typeof(MtaStsOptions)],
        ["Delivery"] = [typeof(DeliveryOptions), typeof(TransportOptions)],
        ["Domains"] = [typeof(Dictionary<string, DomainOverrideOptions>)],
    };

    public static bool IsKnown(string key)
    {
        var parts = key.Split(':');
        return parts switch
        {
            ["Logging", ..] => true, // Microsoft.Extensions.Logging's own section
            ["Relay", "Log", "Format"] => true, // read by RelayHostBuilder
            ["Relay", var section, .. var rest] when Sections.TryGetValue(section, out var types) => types.Any(t => Resolves(t, rest)),
            ["Relay", .. var rest] => Resolves(typeof(ListenerOptions), rest),
            _ => false,
        };
    }

    private static bool Resolves(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            if (ElementType(type) is { } element)
            {
                if (!int.TryParse(segment, out _))
                {
                    return false;
                }

                type = element;
            }
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                type = type.GetGenericArguments()[1];
            }
            else if (type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true } property)
            {
                type = property.PropertyType;
            }
            else
            {
                return false;
            }
        }

        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        return scalar.IsPrimitive || scalar.IsEnum || scalar == typeof(string) || scalar == typeof(TimeSpan) || scalar == typeof(decimal);
    }

    private static Type? ElementType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
}
