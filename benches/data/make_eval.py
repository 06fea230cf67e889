# Source of matching_eval.json: the labelled set for the offline matching evaluation.
# Capabilities and needs are written the way their owners would write them, each in one of
# kk/ru/en; `relevant` holds the capabilities a domain expert would pick for the need
# (2 = would contact first, 1 = worth a look). Regenerate with `python3 make_eval.py`.
import json

C = []
def cap(lang, title, desc, fields, trl, price=None, capacity=2, sectors=(), keywords=()):
    C.append(dict(id=len(C) + 1, org=100 + len(C) + 1, lang=lang, title=title, description=desc,
                  keywords=list(keywords), fields=fields, trl=trl, price=price, capacity=capacity,
                  sectors=list(sectors)))
    return len(C)

oil_kk = cap("kk", "Ауыр мұнайды өңдеуге арналған катализаторлар",
    "Күкірті жоғары ауыр мұнайды гидрокрекингтеу және гидротазарту катализаторларын синтездеу, зертханалық сынақтар, тәжірибелік партия.",
    ["2.4", "1.4"], 5, [10e6, 40e6], keywords=["катализатор", "гидрокрекинг"])
oil_en = cap("en", "Refinery catalysis laboratory",
    "Design and testing of hydrotreating and hydrocracking catalysts for sour crude; pilot reactor up to 5 L/h.",
    ["2.4"], 6, [20e6, 80e6], keywords=["catalyst", "refining", "hydrotreating"])
pipe_ru = cap("ru", "Защита трубопроводов от коррозии",
    "Ингибиторы коррозии и покрытия для нефтепроводов и газопроводов, ускоренные коррозионные испытания, мониторинг толщины стенки.",
    ["2.5", "2.4"], 7, [5e6, 30e6], keywords=["коррозия", "трубопровод", "ингибитор"])
pipe_en = cap("en", "Pipeline integrity monitoring with fibre-optic sensors",
    "Distributed acoustic and temperature sensing along pipelines to detect leaks, corrosion hot spots and third-party intrusion.",
    ["2.2", "2.11"], 7, [30e6, 120e6], keywords=["pipeline", "leak detection", "sensor"])
flot_kk = cap("kk", "Мыс кендерін флотациялық байыту",
    "Мыс және полиметалл кендерін флотациялау реагенттерін таңдау, байыту технологиясын зертханада және жартылай өнеркәсіптік қондырғыда сынау.",
    ["2.7", "2.4"], 6, [8e6, 35e6], keywords=["флотация", "мыс", "кен байыту"])
leach_ru = cap("ru", "Кучное выщелачивание золота и меди",
    "Разработка режимов кучного и чанового выщелачивания упорных руд, гидрометаллургия, извлечение металлов из хвостов.",
    ["2.7", "1.4"], 5, [10e6, 50e6], keywords=["выщелачивание", "золото", "гидрометаллургия"])
tail_en = cap("en", "Tailings reprocessing and dry stacking",
    "Recovery of residual copper and gold from old tailings, thickening and filtration for dry stacking, dam safety assessment.",
    ["2.7", "1.5"], 5, [15e6, 70e6], keywords=["tailings", "recovery"])
steel_ru = cap("ru", "Металлургия стали и футеровка печей",
    "Огнеупорные материалы и футеровка дуговых и доменных печей, моделирование теплового режима плавки, снижение износа.",
    ["2.5", "2.3"], 6, [20e6, 90e6], keywords=["футеровка", "огнеупоры", "плавка"])
weld_en = cap("en", "Robotic welding cells",
    "Design and integration of robotic welding cells with seam tracking vision for heavy steel structures and pipes.",
    ["2.2", "2.3"], 7, [40e6, 150e6], keywords=["robot", "welding", "automation"])
water_kk = cap("kk", "Ауыз суды тазарту технологиялары",
    "Жерасты суларын темір мен марганецтен тазарту, мембраналық сүзу, ауылдық елді мекендерге арналған модульдік қондырғылар.",
    ["2.7", "1.4"], 7, [5e6, 25e6], keywords=["су тазарту", "мембрана"])
waste_water_ru = cap("ru", "Очистка промышленных сточных вод",
    "Биологическая и физико-химическая очистка стоков горно-металлургических и пищевых предприятий, повторное использование воды.",
    ["2.7", "2.9"], 6, [10e6, 60e6], keywords=["сточные воды", "очистка"])
irr_kk = cap("kk", "Тамшылатып суару жүйелері",
    "Құрғақ аймақтарда көкөніс пен бақша дақылдарын тамшылатып суару, топырақ ылғалдылығын датчиктермен бақылау.",
    ["4.1", "2.7"], 7, [3e6, 15e6], keywords=["суару", "ылғал датчигі"])
wheat_ru = cap("ru", "Селекция засухоустойчивой пшеницы",
    "Создание сортов яровой пшеницы, устойчивых к засухе и болезням, для Северного Казахстана; маркер-ориентированная селекция.",
    ["4.1", "1.6"], 5, [10e6, 40e6], keywords=["пшеница", "селекция", "засуха"])
soil_en = cap("en", "Soil fertility and fertilizer advisory",
    "Soil sampling and mapping of nutrients, variable-rate fertilizer prescriptions for grain farms.",
    ["4.1"], 8, [2e6, 10e6], keywords=["soil", "fertilizer", "precision agriculture"])
vet_kk = cap("kk", "Мал ауруларына қарсы вакциналар",
    "Ірі қара мен қойдың жұқпалы ауруларына қарсы вакциналар әзірлеу, ветеринарлық диагностика, зертханалық сынақтар.",
    ["4.3", "3.4"], 6, [15e6, 60e6], keywords=["вакцина", "ветеринария"])
meat_ru = cap("ru", "Технологии переработки мяса",
    "Разработка рецептур мясных продуктов, продление сроков хранения, упаковка в модифицированной атмосфере.",
    ["4.5", "2.11"], 7, [3e6, 12e6], keywords=["мясо", "переработка", "упаковка"])
milk_en = cap("en", "Dairy processing and fermented milk products",
    "Starter cultures, process design for cheese and kumys production, shelf-life studies for small dairies.",
    ["2.9", "4.5"], 7, [2e6, 8e6], keywords=["dairy", "milk", "fermentation"])
drone_en = cap("en", "Drone-based crop monitoring",
    "Multispectral UAV surveys of fields, NDVI maps, early detection of crop stress and pests.",
    ["4.1", "2.2"], 8, [1e6, 6e6], keywords=["drone", "crop monitoring"])
sat_ru = cap("ru", "Дистанционное зондирование Земли",
    "Обработка спутниковых снимков для мониторинга посевов, паводков и деградации пастбищ, ГИС-картография.",
    ["1.5", "2.2"], 7, [5e6, 25e6], keywords=["спутник", "ГИС", "мониторинг"])
vision_kk = cap("kk", "Өнім сапасын бейне арқылы бақылау",
    "Жасанды интеллект және камералар көмегімен конвейердегі ақауларды анықтау, машиналық көру жүйелері.",
    ["1.2", "2.2"], 6, [10e6, 40e6], keywords=["машиналық көру", "сапа бақылау"])
pred_en = cap("en", "Predictive maintenance for rotating equipment",
    "Vibration sensors and machine-learning models that predict failures of pumps, compressors and conveyors.",
    ["1.2", "2.3"], 7, [15e6, 50e6], keywords=["predictive maintenance", "vibration", "machine learning"])
batt_ru = cap("ru", "Литий-ионные аккумуляторы и материалы",
    "Синтез катодных материалов, сборка и испытание аккумуляторных ячеек, переработка отработанных батарей.",
    ["2.5", "1.4"], 4, [20e6, 80e6], keywords=["аккумулятор", "литий"])
solar_kk = cap("kk", "Күн электр станцияларын жобалау",
    "Фотоэлектрлік станциялар мен гибридті жүйелерді жобалау, энергия өндірісін болжау, шаңнан тазарту.",
    ["2.2", "2.7"], 8, [5e6, 30e6], keywords=["күн панелі", "энергия"])
wind_en = cap("en", "Wind resource assessment",
    "Met-mast and lidar campaigns, wind farm layout optimisation and energy yield forecasting.",
    ["1.5", "2.3"], 8, [10e6, 40e6], keywords=["wind", "energy", "forecasting"])
h2_ru = cap("ru", "Водородные технологии и электролиз",
    "Разработка электролизёров, хранение водорода, технико-экономическая оценка производства зелёного водорода.",
    ["2.4", "2.7"], 4, [30e6, 120e6], keywords=["водород", "электролиз"])
heat_kk = cap("kk", "Жылумен жабдықтау тиімділігі",
    "Жылу желілерінің жылу шығынын азайту, жылу оқшаулау, қазандықтарды автоматтандыру және энергия аудиті.",
    ["2.3", "2.7"], 7, [5e6, 20e6], keywords=["жылу", "энергия үнемдеу"])
concrete_ru = cap("ru", "Бетоны и цемент с отходами промышленности",
    "Составы бетона с золой и шлаками, испытания прочности и морозостойкости, снижение углеродного следа цемента.",
    ["2.1", "2.5"], 6, [5e6, 25e6], keywords=["бетон", "цемент", "шлак"])
road_en = cap("en", "Road pavement design for extreme climate",
    "Asphalt mixes and pavement structures for hot summers and cold winters, laboratory testing and trial sections.",
    ["2.1"], 7, [10e6, 50e6], keywords=["road", "asphalt"])
rail_ru = cap("ru", "Оптимизация железнодорожной логистики",
    "Моделирование вагонопотоков, оптимизация расписаний и погрузки, цифровые двойники станций.",
    ["5.2", "1.2"], 6, [10e6, 40e6], keywords=["логистика", "железная дорога", "моделирование"])
cyber_en = cap("en", "Industrial cybersecurity",
    "Security assessment of SCADA and industrial control systems, intrusion detection, staff training.",
    ["1.2", "2.2"], 8, [10e6, 40e6], keywords=["cybersecurity", "SCADA"])
med_kk = cap("kk", "Медициналық диагностика жасанды интеллектпен",
    "Рентген мен КТ суреттерінен ауруларды анықтайтын нейрондық желілер, ауруханалармен клиникалық сынақтар.",
    ["3.2", "1.2"], 6, [20e6, 70e6], keywords=["диагностика", "жасанды интеллект"])
pharma_ru = cap("ru", "Фармацевтическая разработка дженериков",
    "Разработка и регистрация лекарственных препаратов, биоэквивалентность, технология таблеток.",
    ["3.1", "3.4"], 6, [30e6, 150e6], keywords=["препарат", "фармацевтика"])
genome_en = cap("en", "Genomics core facility",
    "Whole-genome sequencing, genotyping arrays and bioinformatics for plant, animal and human studies.",
    ["1.6", "4.4"], 8, [3e6, 20e6], keywords=["genome", "sequencing", "bioinformatics"])
foodlab_kk = cap("kk", "Азық-түлік қауіпсіздігі зертханасы",
    "Тамақ өнімдерін микробиологиялық және химиялық талдау, ауыр металдар мен пестицидтерді анықтау, сертификаттауға дайындық.",
    ["4.5", "1.4"], 8, [1e6, 5e6], keywords=["тамақ қауіпсіздігі", "талдау"])
wool_ru = cap("ru", "Переработка шерсти и кожи",
    "Технологии мойки и первичной обработки шерсти, выделка кожи, текстиль из местного сырья.",
    ["2.5", "4.2"], 6, [5e6, 20e6], keywords=["шерсть", "текстиль", "кожа"])
coal_en = cap("en", "Coal gasification and clean coal",
    "Gasification of low-rank coal to syngas, coal-water slurry fuel, emission reduction for boilers.",
    ["2.4", "2.7"], 5, [30e6, 100e6], keywords=["coal", "gasification"])
air_kk = cap("kk", "Ауа сапасын мониторингтеу",
    "Өнеркәсіптік шығарындыларды және қалалық ауадағы шаңды өлшейтін датчиктер желісі, деректерді талдау.",
    ["1.5", "2.7"], 7, [5e6, 20e6], keywords=["ауа", "шығарынды", "датчик"])
plastic_ru = cap("ru", "Переработка полимерных отходов",
    "Механическая и химическая переработка пластиковых отходов, композиты из вторичного полимера.",
    ["2.5", "2.7"], 6, [10e6, 40e6], keywords=["полимер", "отходы", "рециклинг"])
edu_en = cap("en", "Engineering training centre",
    "Short courses and simulators for plant operators and maintenance engineers, competence assessment.",
    ["5.3"], 9, [1e6, 5e6], keywords=["training", "education"])
geo_kk = cap("kk", "Геологиялық барлау және кен орнын модельдеу",
    "Геофизикалық зерттеулер, бұрғылау деректерін өңдеу, кен орнының үш өлшемді моделі мен қорларды бағалау.",
    ["1.5", "2.7"], 7, [20e6, 90e6], keywords=["барлау", "модельдеу", "кен орны"])
drill_en = cap("en", "Drilling fluids and well stimulation",
    "Drilling mud formulations, acid stimulation and enhanced oil recovery chemicals for mature oil fields.",
    ["2.4", "2.7"], 7, [20e6, 100e6], keywords=["drilling", "enhanced oil recovery"])
robot_kk = cap("kk", "Өнеркәсіптік робототехника",
    "Қоймалар мен өндіріс желілеріне арналған мобильді роботтар мен манипуляторлар, басқару бағдарламасы.",
    ["2.2", "2.3"], 6, [20e6, 80e6], keywords=["робот", "манипулятор", "автоматтандыру"])
greenhouse_ru = cap("ru", "Умные теплицы",
    "Автоматизация микроклимата теплиц, светодиодное освещение, гидропоника для овощей круглый год.",
    ["4.1", "2.2"], 7, [5e6, 30e6], keywords=["теплица", "автоматизация", "овощи"])
fish_en = cap("en", "Aquaculture systems",
    "Recirculating aquaculture systems for sturgeon and trout, fish feed formulation and water quality control.",
    ["4.2", "4.1"], 6, [10e6, 40e6], keywords=["aquaculture", "fish"])
bee_kk = cap("kk", "Ара шаруашылығы және бал сапасы",
    "Бал сапасын талдау, ара ауруларының диагностикасы, ара ұяларын қашықтан бақылау.",
    ["4.2", "4.3"], 7, [1e6, 4e6], keywords=["ара", "бал"])
corrosion_coat_kk = cap("kk", "Металл құрылымдарды коррозиядан қорғау жабындары",
    "Болат құрылымдар мен құбырларға арналған полимерлі және мырыш жабындары, тұзды тұманда сынау.",
    ["2.5"], 6, [5e6, 25e6], keywords=["коррозия", "жабын", "құбыр"])
seismic_ru = cap("ru", "Сейсмостойкое строительство",
    "Расчёт и испытания конструкций зданий на сейсмические воздействия, усиление существующих зданий.",
    ["2.1", "1.5"], 7, [10e6, 60e6], keywords=["сейсмостойкость", "здания"])
lang_en = cap("en", "Kazakh speech and language technology",
    "Speech recognition and machine translation for Kazakh, chatbots for public services.",
    ["1.2", "6.2"], 6, [10e6, 40e6], keywords=["speech recognition", "translation"])
uranium_ru = cap("ru", "Подземное скважинное выщелачивание урана",
    "Геотехнологическое моделирование ПСВ, подбор реагентов, повышение извлечения урана из продуктивных растворов.",
    ["2.7", "1.4"], 7, [30e6, 120e6], keywords=["уран", "выщелачивание", "ПСВ"])

N = []
def need(lang, title, desc, fields, trl, budget, sector, relevant, keywords=()):
    N.append(dict(id=len(N) + 1, org=1 + len(N), lang=lang, title=title, description=desc,
                  keywords=list(keywords), fields=fields, trl=trl, budget=budget, sector=sector,
                  relevant={str(k): v for k, v in relevant.items()}))

need("ru", "Катализатор для переработки тяжёлой сернистой нефти",
     "НПЗ ищет катализатор гидроочистки и гидрокрекинга для тяжёлой нефти с высоким содержанием серы, с пилотными испытаниями.",
     ["2.4"], [4, 7], [10e6, 60e6], "MANUFACTURING", {oil_kk: 2, oil_en: 2, coal_en: 1})
need("kk", "Мұнай құбырларының коррозиясы",
     "Мұнай құбырларындағы ішкі коррозияны азайту және құбыр қабырғасының қалыңдығын бақылау шешімдері қажет.",
     ["2.5"], [5, 8], [10e6, 80e6], "MINING", {pipe_ru: 2, corrosion_coat_kk: 2, pipe_en: 1})
need("en", "Leak detection on a gas pipeline",
     "Operator of a 400 km gas pipeline needs continuous leak and intrusion detection along the route.",
     ["2.2"], [6, 9], [50e6, 200e6], "ENERGY", {pipe_en: 2, pipe_ru: 1})
need("ru", "Повышение извлечения меди на обогатительной фабрике",
     "Низкое извлечение меди при флотации сульфидной руды; нужен подбор реагентов и режимов обогащения.",
     ["2.7"], [5, 7], [10e6, 50e6], "MINING", {flot_kk: 2, leach_ru: 1, tail_en: 1})
need("en", "Recovering metals from old tailings",
     "A mining company wants to reprocess historic tailings dumps to recover copper and gold economically.",
     ["2.7"], [4, 7], [20e6, 100e6], "MINING", {tail_en: 2, leach_ru: 2, flot_kk: 1})
need("kk", "Балқыту пешінің футеровкасының тозуы",
     "Доғалы пештің футеровкасы тез тозады; отқа төзімді материалдар мен жылу режимін модельдеу керек.",
     ["2.5"], [5, 8], [20e6, 100e6], "MANUFACTURING", {steel_ru: 2})
need("ru", "Очистка питьевой воды в сельских населённых пунктах",
     "Акимат ищет модульные установки очистки подземной воды от железа и марганца для сёл.",
     ["2.7"], [6, 9], [5e6, 30e6], "WATER_AND_WASTE", {water_kk: 2, waste_water_ru: 1})
need("en", "Treating mine wastewater for reuse",
     "Copper mine needs to treat acidic process water and reuse it in the concentrator.",
     ["2.7"], [5, 8], [10e6, 70e6], "MINING", {waste_water_ru: 2, water_kk: 1})
need("kk", "Бидайдың құрғақшылыққа төзімді сорттары",
     "Солтүстік Қазақстандағы шаруа қожалығы құрғақшылыққа төзімді бидай сорттары мен тұқым өндірісін іздейді.",
     ["4.1"], [5, 9], [5e6, 40e6], "AGRICULTURE", {wheat_ru: 2, genome_en: 1, soil_en: 1})
need("ru", "Мониторинг посевов с беспилотников",
     "Агрохолдинг хочет еженедельно оценивать состояние посевов и выявлять очаги вредителей на 50 тыс. га.",
     ["4.1"], [6, 9], [2e6, 20e6], "AGRICULTURE", {drone_en: 2, sat_ru: 2, soil_en: 1})
need("en", "Vaccine against sheep pox",
     "Livestock holding needs a locally produced vaccine and diagnostics for sheep pox outbreaks.",
     ["4.3"], [5, 8], [20e6, 80e6], "AGRICULTURE", {vet_kk: 2, genome_en: 1})
need("kk", "Ет өнімдерінің сақталу мерзімін ұзарту",
     "Ет өңдейтін кәсіпорын шұжық өнімдерінің сақталу мерзімін ұзартатын орау технологиясын іздейді.",
     ["4.5"], [6, 9], [2e6, 15e6], "MANUFACTURING", {meat_ru: 2, foodlab_kk: 1})
need("ru", "Контроль качества на конвейере с помощью камер",
     "Завод хочет автоматически обнаруживать дефекты продукции на конвейере с помощью машинного зрения.",
     ["1.2", "2.2"], [6, 9], [10e6, 50e6], "MANUFACTURING", {vision_kk: 2, robot_kk: 1, weld_en: 1})
need("en", "Predicting failures of slurry pumps",
     "Concentrator wants early warning of pump and conveyor failures from sensor data.",
     ["2.3"], [6, 9], [10e6, 60e6], "MINING", {pred_en: 2, vision_kk: 1})
need("kk", "Күн электр станциясының өндірісін болжау",
     "Энергия компаниясы күн станциясының электр өндірісін болжау және панельдерді шаңнан тазарту шешімін іздейді.",
     ["2.2"], [6, 9], [5e6, 40e6], "ENERGY", {solar_kk: 2, wind_en: 1})
need("ru", "Снижение теплопотерь в тепловых сетях города",
     "Теплоснабжающая организация ищет решения по снижению потерь тепла и автоматизации котельных.",
     ["2.3"], [6, 9], [5e6, 30e6], "ENERGY", {heat_kk: 2})
need("en", "Low-carbon concrete with fly ash",
     "Construction company wants concrete mixes using local fly ash and slag with certified strength.",
     ["2.1"], [5, 8], [5e6, 30e6], "CONSTRUCTION", {concrete_ru: 2, seismic_ru: 1})
need("ru", "Диагностика заболеваний по снимкам КТ",
     "Областная больница ищет систему искусственного интеллекта для анализа КТ и рентгеновских снимков лёгких.",
     ["3.2"], [6, 9], [20e6, 80e6], "HEALTH", {med_kk: 2})
need("kk", "Қатты тұрмыстық қалдықтардағы пластикті қайта өңдеу",
     "Қалдықтарды сұрыптау кәсіпорны пластик қалдықтарын қайта өңдеп, композит өнім шығаруды жоспарлайды.",
     ["2.5"], [5, 8], [10e6, 50e6], "WATER_AND_WASTE", {plastic_ru: 2})
need("en", "Uranium in-situ recovery optimisation",
     "ISR operator needs reagent selection and geotechnical modelling to raise uranium recovery from wellfields.",
     ["2.7"], [6, 9], [30e6, 150e6], "MINING", {uranium_ru: 2, leach_ru: 1, geo_kk: 1})
need("ru", "Технологии повышения нефтеотдачи",
     "Недропользователь ищет химические методы увеличения нефтеотдачи и обработки скважин на зрелом месторождении.",
     ["2.4"], [6, 9], [20e6, 120e6], "MINING", {drill_en: 2, geo_kk: 1})
need("kk", "Көкөністерге арналған ақылды жылыжай",
     "Фермер қыста көкөніс өсіру үшін жылыжайды автоматтандыру мен жарықтандыруды іздейді.",
     ["4.1"], [6, 9], [5e6, 30e6], "AGRICULTURE", {greenhouse_ru: 2, irr_kk: 1})
need("en", "Measuring dust emissions around an open pit",
     "Mine must monitor dust and air emissions around the pit and the nearby town in real time.",
     ["1.5"], [6, 9], [5e6, 25e6], "MINING", {air_kk: 2, sat_ru: 1})
need("ru", "Обучение операторов обогатительной фабрики",
     "Нужны тренажёры и курсы для операторов и механиков фабрики.",
     ["5.3"], [7, 9], [1e6, 10e6], "MINING", {edu_en: 2})

json.dump({"capabilities": C, "needs": N}, open("matching_eval.json", "w"), ensure_ascii=False, indent=1)
print(len(C), "capabilities,", len(N), "needs")
