global using Hyper.Oci;
global using Hyper.Oci.Layout;

global using Xunit;
