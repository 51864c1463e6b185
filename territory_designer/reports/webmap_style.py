"""The HTML map's own style sheet: names with a halo, neutral cluster bubbles, popups,
the search box, and the phone layout (see :mod:`webmap_script`)."""

from __future__ import annotations

STYLE = """
html,body{-webkit-text-size-adjust:100%;text-size-adjust:100%}
html .leaflet-container{background:#e6e6e3;
 font:13px/1.35 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
/* html: folium's own style (later in the page) sets 1rem, 16 px */
.td-tlabel span,.td-city span{position:absolute;left:0;top:0;transform:translate(-50%,-50%);
 white-space:nowrap;pointer-events:none;
 text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff,0 0 4px #fff}
.td-tlabel span{font-weight:700;font-size:12.5px;color:#1a1a1a;letter-spacing:.01em}
.td-city span{font-size:11px;color:#3a3a3a;font-style:italic;transform:translate(6px,-50%)}
.td-city i{position:absolute;left:-2.5px;top:-2.5px;width:5px;height:5px;border-radius:50%;
 background:#555;border:1px solid #fff}
.td-cluster div{width:100%;height:100%;box-sizing:border-box;border-radius:50%;
 background:rgba(255,255,255,.92);border:4px solid #6b7280;display:flex;align-items:center;
 justify-content:center;font:700 12px/1 system-ui,sans-serif;color:#222;
 box-shadow:0 1px 3px rgba(0,0,0,.35)}
.td-pop{border-collapse:collapse;margin-top:4px}
.td-pop th{text-align:left;font-weight:normal;color:#555;padding:1px 10px 1px 0;vertical-align:top}
.td-pop td{text-align:right;padding:1px 0;font-variant-numeric:tabular-nums}
.td-pop td.td-text{text-align:left}
.td-pop-title{font-weight:700;font-size:14px;color:#1f4e78;padding-right:14px}
.td-sw{display:inline-block;width:10px;height:10px;margin-right:5px;border:1px solid #777;
 vertical-align:-1px}
.td-def{margin-top:6px;max-width:260px;white-space:pre-wrap;color:#333;font-size:12px}
.td-search{background:#fff;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);
 width:240px;max-width:calc(100vw - 20px)}
.td-search input{width:100%;box-sizing:border-box;border:0;border-radius:4px;padding:7px 9px;
 font:14px system-ui,sans-serif;outline:none;background:transparent}
.td-search ul{list-style:none;margin:0;padding:0;border-top:1px solid #ddd;max-height:50vh;
 overflow:auto}
.td-search li{padding:6px 9px;cursor:pointer;white-space:nowrap;overflow:hidden;
 text-overflow:ellipsis}
.td-search li.td-on,.td-search li:hover{background:#e8f0f8}
.td-search li b{display:inline-block;min-width:62px;color:#666;font-weight:normal;font-size:11px}
.td-search .td-none{color:#777;cursor:default}
.leaflet-popup-content{margin:10px 12px;max-width:min(300px,calc(100vw - 70px));
 overflow-wrap:anywhere}
@media (max-width:600px){
 .td-search{width:calc(100vw - 130px)}
 .td-legend summary{padding:4px 2px}
 .leaflet-control-scale{display:none}
}
"""
